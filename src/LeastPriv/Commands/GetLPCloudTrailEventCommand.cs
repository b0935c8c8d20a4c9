using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core;
using LeastPriv.Core.CloudTrail;

namespace LeastPriv.Commands;

/// <summary>Reads CloudTrail records from log files and folders and writes them as LPCloudTrailEvent objects.</summary>
[Cmdlet(VerbsCommon.Get, "LPCloudTrailEvent", DefaultParameterSetName = PathSet)]
[OutputType(typeof(LPCloudTrailEvent))]
public sealed class GetLPCloudTrailEventCommand : LPCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<string> _files = new();
    private CloudTrailFilter? _filter;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? UserName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PrincipalArn { get; set; }

    [Parameter]
    public DateTime? StartTime { get; set; }

    [Parameter]
    public DateTime? EndTime { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Region { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? EventSource { get; set; }

    [Parameter]
    public SwitchParameter IncludeErrors { get; set; }

    [Parameter]
    public SwitchParameter IncludeRawRecord { get; set; }

    protected override void BeginProcessing()
    {
        _filter = new CloudTrailFilter
        {
            UserName = UserName,
            PrincipalArn = PrincipalArn,

            // A DateTime without a kind is local time, as everywhere in PowerShell.
            StartTime = StartTime is { } start ? new DateTimeOffset(start) : null,
            EndTime = EndTime is { } end ? new DateTimeOffset(end) : null,
            Region = Region,
            EventSource = EventSource,
            IncludeErrors = IncludeErrors.IsPresent,
        };
        try
        {
            _filter.Validate();
        }
        catch (LeastPrivException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex));
        }
    }

    protected override void ProcessRecord()
    {
        // Paths are resolved by PowerShell (drives, current location, wildcards) and read once all have arrived.
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (var path in LiteralPath)
            {
                _files.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
            }

            return;
        }

        foreach (var path in Path)
        {
            try
            {
                var resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
                if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase) || resolved.Count == 0)
                {
                    ThrowTerminatingError(ToErrorRecord(CloudTrailErrors.NotFound(path)));
                }

                _files.AddRange(resolved);
            }
            catch (ItemNotFoundException)
            {
                ThrowTerminatingError(ToErrorRecord(CloudTrailErrors.NotFound(path)));
            }
            catch (System.Management.Automation.DriveNotFoundException)
            {
                ThrowTerminatingError(ToErrorRecord(CloudTrailErrors.NotFound(path)));
            }
        }
    }

    protected override void EndProcessing()
    {
        var filter = _filter!;
        var options = new CloudTrailReaderOptions
        {
            KeepRawJson = IncludeRawRecord.IsPresent,

            // ConvertTo-LPPolicy reads resource names from requestParameters of piped events.
            CaptureRequestParameters = true,
            CaptureResponseElements = IncludeRawRecord.IsPresent,
            CaptureAdditionalEventData = IncludeRawRecord.IsPresent,
        };
        RunAsync(async (reporter, cancellationToken) =>
        {
            var set = CloudTrailFileSet.Resolve(_files, literal: true, reporter: reporter);
            reporter.Verbose($"Reading {set.Files.Count} CloudTrail files ({set.DigestFilesSkipped} digest files skipped).");
            var result = new CloudTrailReadResult();
            await foreach (var record in CloudTrailReader.ReadAsync(set.ToSources(), filter, options, reporter, result, cancellationToken).ConfigureAwait(false))
            {
                Emit(new LPCloudTrailEvent(record, result));
            }

            reporter.Verbose($"{result.RecordsMatched} of {result.RecordsRead} records matched.");
        });
    }
}
