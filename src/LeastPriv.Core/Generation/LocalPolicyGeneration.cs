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
        return await FromSourcesAsync(files.ToSources(), readFilter, options, reporter, cancellationToken, null, maxDegreeOfParallelism).ConfigureAwait(false);
    }

    /// <summary>
    /// The generator over any sources (files, a trail's S3 objects), read in parallel with one
    /// accumulator per reading thread. <paramref name="include"/>, when given, drops records the
    /// filter cannot express (several capture windows with gaps between them).
    /// </summary>
    public static async Task<LPGeneratedPolicy> FromSourcesAsync(
        IReadOnlyList<CloudTrailSource> sources,
        CloudTrailFilter readFilter,
        LocalPolicyGeneratorOptions options,
        IEngineReporter reporter,
        CancellationToken cancellationToken,
        Func<CloudTrailRecord, bool>? include = null,
        int maxDegreeOfParallelism = 0)
    {
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
            sources,
            readFilter,
            readerOptions,
            generator.CreateAccumulator,
            (record, accumulator) =>
            {
                if (include is null || include(record))
                {
                    generator.Add(accumulator, record);
                }
            },
            accumulator => total.MergeFrom(accumulator),
            reporter,
            cancellationToken).ConfigureAwait(false);

        if (!result.IsComplete)
        {
            total.AddIncompleteReason(
                $"{result.FilesDamaged + result.FilesEmpty} of {result.FilesTotal} CloudTrail file(s) could not be read completely: {string.Join(", ", result.ProblemFiles)}.");
        }

        reporter.Verbose($"Read {result.RecordsRead} record(s) from {result.FilesRead} file(s); {result.RecordsMatched} matched the filter.");
        var policy = generator.Build(total);
        Report(policy, reporter);
        return policy;
    }

    /// <summary>Tells the caller what a person should know about a generated policy before using it.</summary>
    public static void Report(LPGeneratedPolicy policy, IEngineReporter reporter)
    {
        reporter.Verbose($"{policy.Actions.Length} action(s) in {policy.Services.Length} service(s) from {policy.MatchedEventCount} of {policy.EventCount} event(s); policy size {policy.PolicySize}.");

        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
        if (policy.PolicySize > ManagedPolicySizeLimit)
        {
            reporter.Warning($"The policy is {policy.PolicySize} characters, over the {ManagedPolicySizeLimit} IAM allows in one managed policy; split it into several policies before attaching it.");
        }

        if (!policy.IsComplete)
        {
            reporter.Warning("The policy may not allow everything the principal did: " + string.Join(" ", policy.IncompleteReasons));
        }
    }

    /// <summary>Characters (white space not counted) of one customer managed policy.</summary>
    public const int ManagedPolicySizeLimit = 6144;
}
