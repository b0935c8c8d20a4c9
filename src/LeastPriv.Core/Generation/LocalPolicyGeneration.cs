using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Generation;

/// <summary>The local generator straight over log files: one engine call for ConvertTo-LPPolicy -Path.</summary>
public static class LocalPolicyGeneration
{
    /// <summary>
    /// Reads every CloudTrail file under <paramref name="paths"/> with the readers' parallel
    /// visitor (one accumulator per reading thread, merged at the end) and builds the policy.
    /// Failed and denied calls are always read: an authorised call that failed still used its
    /// permission, and denied calls are reported. A damaged file is reported by the reader,
    /// skipped, and makes the result incomplete.
    /// </summary>
    public static async Task<LPGeneratedPolicy> FromFilesAsync(
        IEnumerable<string> paths,
        CloudTrailFilter filter,
        LocalPolicyGeneratorOptions options,
        IEngineReporter reporter,
        CancellationToken cancellationToken,
        string? basePath = null,
        int maxDegreeOfParallelism = 0)
    {
        var readFilter = new CloudTrailFilter
        {
            UserName = filter.UserName,
            PrincipalArn = filter.PrincipalArn,
            StartTime = filter.StartTime,
            EndTime = filter.EndTime,
            Region = filter.Region,
            EventSource = filter.EventSource,
            IncludeErrors = true,
        };
        readFilter.Validate();
        var files = CloudTrailFileSet.Resolve(paths, basePath: basePath, reporter: reporter);
        reporter.Verbose($"Generating a policy from {files.Files.Count} CloudTrail file(s), resource scope {options.ResourceScope}.");

        var generator = new LocalPolicyGenerator(options);
        var total = generator.CreateAccumulator();
        var readerOptions = new CloudTrailReaderOptions
        {
            // Request text is kept as text (no DOM) for PassRole and resource ARNs; responses
            // only name resources, so they are read only when the scope asks for ARNs.
            CaptureRequestParameters = options.InferPassRole || options.ResourceScope != ResourceScope.Any,
            CaptureResponseElements = options.ResourceScope != ResourceScope.Any,
            MaxDegreeOfParallelism = maxDegreeOfParallelism,
        };

        var result = await CloudTrailReader.ForEachRecordAsync(
            files.ToSources(),
            readFilter,
            readerOptions,
            generator.CreateAccumulator,
            (record, accumulator) => generator.Add(accumulator, record),
            accumulator => total.MergeFrom(accumulator),
            reporter,
            cancellationToken).ConfigureAwait(false);

        if (!result.IsComplete)
        {
            total.AddIncompleteReason(
                $"{result.FilesDamaged + result.FilesEmpty} of {result.FilesTotal} CloudTrail file(s) could not be read completely: {string.Join(", ", result.ProblemFiles)}.");
        }

        reporter.Verbose($"Read {result.RecordsRead} record(s) from {result.FilesRead} file(s); {result.RecordsMatched} matched the filter.");
        return generator.Build(total);
    }
}
