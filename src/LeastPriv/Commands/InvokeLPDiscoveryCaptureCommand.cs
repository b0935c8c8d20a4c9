using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Discovery.Capture;

namespace LeastPriv.Commands;

/// <summary>
/// Runs a workload as the discovery principal (its credentials injected as environment variables
/// for the workload and its child processes) and records the UTC capture window in the session.
/// </summary>
/// <remarks>
/// The principal is bound as a whole object (-InputObject, from the pipeline): an
/// LPDiscoveryUser (whose secret exists only in memory on that object, never in the manifest),
/// an LPDiscoveryRole, or, for role sessions only, an LPDiscoverySession or a session id.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "LPDiscoveryCapture", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ScriptBlockSet)]
[OutputType(typeof(LPCaptureWindow))]
public sealed class InvokeLPDiscoveryCaptureCommand : LPAwsCmdlet
{
    private const string ScriptBlockSet = "ScriptBlock";
    private const string FilePathSet = "FilePath";

    /// <summary>The discovery principal: an LPDiscoveryUser or LPDiscoveryRole; for role sessions also an LPDiscoverySession or a session id.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ScriptBlockSet)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FilePathSet)]
    [Alias("User", "Role", "Session")]
    [ValidateNotNull]
    public PSObject InputObject { get; set; } = null!;

    /// <summary>The workload as a script block (runs in this session, on the pipeline thread).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ScriptBlockSet)]
    [ValidateNotNull]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    /// <summary>The workload as a script (.ps1) or an external program, by path or by command name on PATH.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FilePathSet)]
    [ValidateNotNullOrEmpty]
    public string FilePath { get; set; } = string.Empty;

    /// <summary>Arguments for the script block's parameters or the program.</summary>
    [Parameter]
    [Alias("Args")]
    public object[] ArgumentList { get; set; } = Array.Empty<object>();

    /// <summary>A name for the window: deploy, update, teardown, test.</summary>
    [Parameter]
    [ValidateLength(1, 128)]
    public string? Label { get; set; }

    /// <summary>Also send the workload's output objects down the pipeline (before the window).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Seconds by which the window is widened on both sides to cover the difference between the
    /// local clock and AWS's (default 60, at most 300). Delivery waits until the widened end has passed.
    /// </summary>
    [Parameter]
    public double ClockSkewMargin { get; set; } = 60;

    /// <summary>The margin as a TimeSpan; NaN and infinities are refused like any value out of range.</summary>
    private TimeSpan Margin() =>
        !double.IsNaN(ClockSkewMargin) && !double.IsInfinity(ClockSkewMargin) && Math.Abs(ClockSkewMargin) <= CaptureWindowRecorder.MaxClockSkewMargin.TotalSeconds * 2
            ? TimeSpan.FromSeconds(ClockSkewMargin)
            : TimeSpan.MaxValue;

    protected override void ProcessRecord()
    {
        var store = SessionStore.Default();
        CaptureWindowRecorder recorder;
        CapturePrincipal principal;
        SessionManifest manifest;
        object workload;
        try
        {
            recorder = new CaptureWindowRecorder(store, Margin());
            principal = CapturePrincipal.Resolve(InputObject);
            manifest = recorder.LoadActive(principal.SessionId);
            workload = ParameterSetName == FilePathSet ? ResolveFilePath(FilePath) : ScriptBlock;
        }
        catch (LeastPrivException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex));
            return;
        }

        var label = Label ?? (ParameterSetName == FilePathSet ? System.IO.Path.GetFileName(FilePath) : null);
        if (!ShouldProcess(principal.Arn, $"Run the workload{(label is null ? string.Empty : $" '{label}'")} with its credentials and record the capture window in session {manifest.SessionId}"))
        {
            return;
        }

        CaptureCredentials? credentials = principal.Credentials;
        var region = Region ?? manifest.Region;
        if (credentials is null)
        {
            RunAsync(async (reporter, ct) =>
            {
                var context = GetAwsContext(reporter);
                reporter.Verbose($"Assuming {principal.Arn} with {context.CredentialSource}.");
                credentials = await RoleCredentials.AssumeAsync(context, principal.Arn, RoleCredentials.SessionName(manifest.SessionId), reporter, ct).ConfigureAwait(false);
                reporter.Verbose($"Assumed {principal.Arn}: temporary key {credentials.AccessKeyId}, valid until {credentials.Expiration:u}.");
                region ??= context.Region;
            });
        }

        LPCaptureWindow window;
        WorkloadResult result;
        try
        {
            (window, result) = WorkloadRunner.Capture(this, credentials!, region, EndpointUrl, store, manifest, label, workload, ArgumentList ?? Array.Empty<object>(), PassThru.IsPresent, writeErrors: true, recorder.Margin);
        }
        catch (LeastPrivException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex));
            return;
        }

        if (!window.Succeeded)
        {
            WriteError(ToErrorRecord(new LeastPrivException(
                "CaptureWorkloadFailed",
                LPErrorCategory.InvalidResult,
                $"The workload{(label is null ? string.Empty : $" '{label}'")} failed: {window.Error} The capture window was recorded (Succeeded = $false).",
                window)));
        }

        WriteObject(window);
    }

    private string ResolveFilePath(string path)
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (File.Exists(full))
        {
            return full;
        }

        // A bare name: a program or script on PATH (terraform, aws, ./deploy.ps1 already handled).
        if (path.IndexOfAny(new[] { '/', '\\' }) < 0
            && InvokeCommand.GetCommand(path, CommandTypes.Application | CommandTypes.ExternalScript) is { } command)
        {
            return command is ApplicationInfo app ? app.Path : command.Source;
        }

        throw new LeastPrivException(
            "CaptureFileNotFound",
            LPErrorCategory.ObjectNotFound,
            $"The workload '{path}' was not found (neither a file nor a program on PATH).",
            path);
    }
}

/// <summary>The principal a capture runs as, resolved from what was piped in.</summary>
internal sealed class CapturePrincipal
{
    private CapturePrincipal(string sessionId, string arn, CaptureCredentials? credentials)
    {
        SessionId = sessionId;
        Arn = arn;
        Credentials = credentials;
    }

    public string SessionId { get; }

    public string Arn { get; }

    /// <summary>The user's key; null for a role (assumed at run time).</summary>
    public CaptureCredentials? Credentials { get; }

    public static CapturePrincipal Resolve(PSObject input)
    {
        switch (input.BaseObject)
        {
            case LPDiscoveryUser user:
                SessionStore.ValidateSessionId(user.SessionId);
                if (string.IsNullOrEmpty(user.AccessKeyId) || user.SecretAccessKey is null || user.SecretAccessKey.Length == 0)
                {
                    throw MissingCredentials(user.SessionId, $"The discovery user '{user.UserName}' carries no access key secret.");
                }

                return new CapturePrincipal(user.SessionId, user.Arn, new CaptureCredentials(user.AccessKeyId, WorkloadRunner.Reveal(user.SecretAccessKey), null, user.Arn));
            case LPDiscoveryRole role:
                SessionStore.ValidateSessionId(role.SessionId);
                return new CapturePrincipal(role.SessionId, role.Arn, null);
            case LPDiscoverySession session:
                return FromSessionId(session.SessionId);
            case string id:
                return FromSessionId(id);
            default:
                throw new LeastPrivException(
                    "CaptureInputInvalid",
                    LPErrorCategory.InvalidArgument,
                    $"Invoke-LPDiscoveryCapture takes the output of New-LPDiscoveryUser or New-LPDiscoveryRole (or a role session), not {input.BaseObject?.GetType().Name ?? "null"}.",
                    input.BaseObject);
        }
    }

    private static CapturePrincipal FromSessionId(string sessionId)
    {
        var manifest = SessionStore.Default().Load(sessionId);
        if (string.Equals(manifest.PrincipalType, "Role", StringComparison.Ordinal) && manifest.PrincipalArn is { Length: > 0 } arn)
        {
            return new CapturePrincipal(manifest.SessionId, arn, null);
        }

        throw MissingCredentials(sessionId, $"Session '{sessionId}' belongs to a discovery user; its secret access key exists only on the LPDiscoveryUser object New-LPDiscoveryUser returned, never in the manifest.");
    }

    private static LeastPrivException MissingCredentials(string sessionId, string message)
        => new("DiscoveryCredentialsMissing", LPErrorCategory.InvalidArgument, message, sessionId)
        {
            RecommendedAction = "Pipe the object New-LPDiscoveryUser returned: $user | Invoke-LPDiscoveryCapture -ScriptBlock { ... }.",
        };
}
