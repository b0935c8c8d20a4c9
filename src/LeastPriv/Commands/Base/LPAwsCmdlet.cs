using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Commands.Base;

/// <summary>
/// Base of every cmdlet that calls AWS: the common AWS parameters, declared once with the names
/// and aliases of AWS Tools for PowerShell, and the <see cref="AwsContext"/> they resolve to
/// (once per invocation; where credentials and region came from is written as a Debug line).
/// </summary>
public abstract class LPAwsCmdlet : LPCmdlet
{
    private AwsContext? _context;
    private string? _contextKey;
    private string? _currentDirectory;

    /// <summary>A profile in the shared credentials/config files (keys, SSO, assume-role, web identity, process).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>The shared credentials file to read instead of ~/.aws/credentials.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    /// <summary>The region system name, e.g. eu-west-1.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("RegionToCall")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AwsRegionCompleter))]
    public string? Region { get; set; }

    /// <summary>One endpoint for every AWS call (an emulator such as the LeastPriv stand-in or LocalStack).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    [Parameter]
    [Alias("AK")]
    [ValidateNotNullOrEmpty]
    public string? AccessKey { get; set; }

    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    [ValidateNotNullOrEmpty]
    public string? SecretKey { get; set; }

    [Parameter]
    [Alias("ST")]
    [ValidateNotNullOrEmpty]
    public string? SessionToken { get; set; }

    /// <summary>
    /// Captures the current PowerShell file-system location on the pipeline thread, so a relative
    /// -ProfileLocation means what the user sees, not the process directory. A derived cmdlet that
    /// overrides this calls the base.
    /// </summary>
    protected override void BeginProcessing()
    {
        _currentDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        base.BeginProcessing();
    }

    /// <summary>
    /// The AWS context of this invocation, resolved on first use (from any thread, e.g. inside
    /// <see cref="LPCmdlet.RunAsync"/>) and reused for every pipeline object unless a
    /// pipeline-bound AWS parameter changes.
    /// </summary>
    protected AwsContext GetAwsContext(IEngineReporter reporter)
    {
        var location = ResolveProfileLocation();
        var key = string.Join("\n", ProfileName, location, Region, EndpointUrl, AccessKey, SecretKey, SessionToken);
        if (_context is not null && string.Equals(key, _contextKey, StringComparison.Ordinal))
        {
            return _context;
        }

        var options = new AwsContextOptions
        {
            ProfileName = ProfileName,
            ProfileLocation = location,
            Region = Region,
            EndpointUrl = EndpointUrl,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
        };
        _context = AwsContext.Resolve(options, reporter);
        _contextKey = key;
        return _context;
    }

    private string? ResolveProfileLocation()
    {
        if (ProfileLocation is null)
        {
            return null;
        }

        var path = ProfileLocation;
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path.Substring(1);
        }

        return Path.GetFullPath(Path.Combine(_currentDirectory ?? Environment.CurrentDirectory, path));
    }

    /// <summary>Completes -Region with the region names AWSSDK.Core knows.</summary>
    public sealed class AwsRegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return AwsRegions.KnownRegions
                .Where(r => r.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(r => new CompletionResult(r, r, CompletionResultType.ParameterValue, r));
        }
    }
}
