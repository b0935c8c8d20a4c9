using System.Management.Automation;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Generation;

namespace LeastPriv.Commands;

/// <summary>
/// The local generator: CloudTrail events (piped from Get-LPCloudTrailEvent, or read straight
/// from log files with -Path) in, one least-privilege policy out at the end of the pipeline.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "LPPolicy", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(LPGeneratedPolicy))]
public sealed class ConvertToLPPolicyCommand : Base.LPCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";

    private readonly List<string> _paths = new();
    private readonly List<string> _userNames = new();
    private readonly List<CloudTrailReadResult> _reads = new();
    private LocalPolicyGenerator? _generator;
    private GenerationAccumulator? _accumulator;

    /// <summary>Events from Get-LPCloudTrailEvent.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public LPCloudTrailEvent[] InputObject { get; set; } = Array.Empty<LPCloudTrailEvent>();

    /// <summary>Log files or folders (.json, .json.gz, searched recursively).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[]? UserName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? PrincipalArn { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    public DateTime? StartTime { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    public DateTime? EndTime { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Region { get; set; }

    [Parameter]
    public ResourceScope ResourceScope { get; set; } = ResourceScope.Any;

    [Parameter]
    [ValidateSet("Region", "Account")]
    public string[] Generalize { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter IncludeDenied { get; set; }

    [Parameter]
    public SwitchParameter IncludeDependentActions { get; set; }

    protected override void BeginProcessing()
    {
        if (ParameterSetName == InputObjectSet)
        {
            _generator = new LocalPolicyGenerator(Options());
            _accumulator = _generator.CreateAccumulator();
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PathSet)
        {
            // Paths and user names may come from several piped objects: read once, at the end.
            _paths.AddRange(Path);
            if (UserName is not null)
            {
                _userNames.AddRange(UserName);
            }

            return;
        }

        foreach (var item in InputObject)
        {
            if (item is not null)
            {
                _generator!.Add(_accumulator!, item.Record);
                if (item.ReadResult is { } read && !_reads.Any(r => ReferenceEquals(r, read)))
                {
                    _reads.Add(read);
                }
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == InputObjectSet)
        {
            RunAsync((reporter, _) =>
            {
                // The reads upstream have ended by now: a damaged file there makes this policy incomplete.
                foreach (var read in _reads.Where(r => !r.IsComplete))
                {
                    _accumulator!.AddIncompleteReason(
                        $"{read.FilesDamaged + read.FilesEmpty} of {read.FilesTotal} CloudTrail file(s) could not be read completely: {string.Join(", ", read.ProblemFiles)}.");
                }

                var policy = _generator!.Build(_accumulator!);
                LocalPolicyGeneration.Report(policy, reporter);
                Emit(policy);
                return Task.CompletedTask;
            });
            return;
        }

        var filter = new CloudTrailFilter
        {
            UserName = _userNames.Count == 0 ? null : _userNames.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            PrincipalArn = PrincipalArn,
            StartTime = StartTime is null ? null : ToUtc(StartTime.Value),
            EndTime = EndTime is null ? null : ToUtc(EndTime.Value),
            Region = Region,
        };
        var basePath = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var options = Options();
        RunAsync(async (reporter, ct) =>
            Emit(await LocalPolicyGeneration.FromFilesAsync(_paths, filter, options, reporter, ct, basePath).ConfigureAwait(false)));
    }

    private LocalPolicyGeneratorOptions Options()
    {
        var generalize = LocalPolicyGeneratorOptions.ParseGeneralization(Generalize);
        return new LocalPolicyGeneratorOptions
        {
            ResourceScope = ResourceScope,
            Generalize = generalize,
            IncludeDenied = IncludeDenied.IsPresent,
            IncludeDependentActions = IncludeDependentActions.IsPresent,
        };
    }
}
