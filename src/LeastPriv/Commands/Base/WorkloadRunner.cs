using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Discovery.Capture;

namespace LeastPriv.Commands.Base;

/// <summary>What one run of a workload produced.</summary>
internal sealed class WorkloadResult
{
    /// <summary>$LASTEXITCODE after the run, when the workload ran an external program.</summary>
    public int? ExitCode { get; set; }

    /// <summary>The terminating error that ended the workload, if any.</summary>
    public string? TerminatingError { get; set; }

    /// <summary>Every error message the workload produced (its errors and its programs' stderr lines), in order.</summary>
    public List<string> ErrorMessages { get; } = new();

    /// <summary>The window's error text: the terminating error, or the exit code with the last error line.</summary>
    public string? Describe()
    {
        if (TerminatingError is not null)
        {
            return TerminatingError;
        }

        if (ExitCode is { } code && code != 0)
        {
            var last = ErrorMessages.LastOrDefault(m => !string.IsNullOrWhiteSpace(m));
            return last is null ? $"Exit code {code}." : $"Exit code {code}: {last.Trim()}";
        }

        return null;
    }
}

/// <summary>
/// Runs a workload (a script block, or a script or program by path) on the pipeline thread —
/// a script block may only run there — with the credentials of a principal injected as
/// environment variables, inside a capture window recorded in a session manifest. Shared by
/// Invoke-LPDiscoveryCapture and Test-LPPolicy -ScriptBlock.
/// <para>The workload's error stream is merged into its output (<c>2&gt;&amp;1</c>), so the errors
/// and the stderr lines of the programs it runs are seen in order: stderr lines and the
/// workload's output are shown on the host (or, with PassThru, output objects go down the
/// pipeline), PowerShell errors are written as the cmdlet's non-terminating errors (or only
/// collected), and every error message is kept for the denied-call analysis.</para>
/// </summary>
internal static class WorkloadRunner
{
    private const string Wrapper =
        "param($__lpWorkload, $__lpArguments, $__lpSink) & $__lpWorkload @__lpArguments 2>&1 | & { process { $__lpSink.Invoke($_) } }";

    /// <summary>Reads the secret of a SecureString for the moment it is put into the environment.</summary>
    public static string Reveal(SecureString secret)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }

    /// <summary>
    /// Enters the environment scope, opens the window in the manifest, runs the workload, and
    /// (always, also on Ctrl+C) restores the environment and completes the window.
    /// </summary>
    public static (LPCaptureWindow Window, WorkloadResult Result) Capture(
        PSCmdlet cmdlet,
        CaptureCredentials credentials,
        string? region,
        string? endpointUrl,
        SessionStore store,
        SessionManifest manifest,
        string? label,
        object workload,
        object[] arguments,
        bool passThru,
        bool writeErrors,
        TimeSpan? clockSkewMargin = null)
    {
        var changes = CaptureEnvironment.Changes(credentials, region, endpointUrl, ProcessEnvironment.Instance.Names());
        var recorder = new CaptureWindowRecorder(store, clockSkewMargin);
        var result = new WorkloadResult();
        using (var scope = EnvironmentScope.Enter(changes))
        {
            ManifestWindow? window = null;
            var completed = false;
            try
            {
                // Everything after Enter is inside the try: a Ctrl+C can arrive at any Write*.
                var set = changes.Where(c => c.Value is not null).Select(c => c.Key).ToList();
                var unset = changes.Where(c => c.Value is null).Select(c => c.Key).ToList();
                cmdlet.WriteVerbose($"Running the workload as {credentials.PrincipalArn} (access key {credentials.AccessKeyId}); set {string.Join(", ", set)}; unset for the duration: {string.Join(", ", unset)}.");
                if (region is not null)
                {
                    cmdlet.WriteDebug($"Workload region: {region}.");
                }

                if (endpointUrl is not null)
                {
                    cmdlet.WriteDebug($"Workload endpoint: {endpointUrl}.");
                }

                window = recorder.Open(manifest, label, credentials.PrincipalArn, DateTimeOffset.UtcNow);
                cmdlet.WriteVerbose($"Capture window '{label}' opened in session {manifest.SessionId} at {window.Start:u} (start widened by {recorder.Margin.TotalSeconds:0.###} s).");
                Run(cmdlet, workload, arguments, passThru, writeErrors, result);
                scope.Dispose();
                var output = recorder.Complete(manifest, window, DateTimeOffset.UtcNow, result.ExitCode, result.Describe());
                completed = true;
                cmdlet.WriteVerbose($"Capture window '{label}' closed at {output.EndTime:u}; the environment is restored.");
                return (output, result);
            }
            finally
            {
                if (!completed)
                {
                    // Ctrl+C or an engine failure: the environment first, then the window, so
                    // neither is left behind.
                    scope.Dispose();
                    if (window is not null)
                    {
                        recorder.Complete(manifest, window, DateTimeOffset.UtcNow, result.ExitCode, result.TerminatingError ?? "The workload was stopped.");
                    }
                }
            }
        }
    }

    private static void Run(PSCmdlet cmdlet, object workload, object[] arguments, bool passThru, bool writeErrors, WorkloadResult result)
    {
        var previousExitCode = cmdlet.SessionState.PSVariable.GetValue("global:LASTEXITCODE");
        cmdlet.SessionState.PSVariable.Set("global:LASTEXITCODE", null);
        Action<object?> sink = item =>
        {
            var value = item is PSObject ps ? ps.BaseObject : item;
            if (value is ErrorRecord error)
            {
                var text = error.ToString();
                result.ErrorMessages.Add(text);
                if (IsNativeStandardError(error))
                {
                    cmdlet.WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST", "LeastPriv.Workload", "Stderr" });
                }
                else if (writeErrors)
                {
                    cmdlet.WriteError(error);
                }
                else
                {
                    cmdlet.WriteVerbose("Workload error: " + text);
                }

                return;
            }

            if (passThru)
            {
                cmdlet.WriteObject(item);
            }
            else if (item is not null)
            {
                cmdlet.WriteInformation(new HostInformationMessage { Message = item.ToString() ?? string.Empty }, new[] { "PSHOST", "LeastPriv.Workload" });
            }
        };

        try
        {
            ScriptBlock.Create(Wrapper).Invoke(workload, arguments, sink);
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            var text = ex.ErrorRecord?.ToString() ?? ex.Message;
            result.TerminatingError = text;
            result.ErrorMessages.Add(text);
        }
        finally
        {
            var exit = cmdlet.SessionState.PSVariable.GetValue("global:LASTEXITCODE");
            if (exit is null)
            {
                cmdlet.SessionState.PSVariable.Set("global:LASTEXITCODE", previousExitCode);
            }
            else
            {
                result.ExitCode = LanguagePrimitives.ConvertTo<int>(exit);
            }
        }
    }

    private static bool IsNativeStandardError(ErrorRecord error)
        => error.FullyQualifiedErrorId is { } id && id.StartsWith("NativeCommandError", StringComparison.Ordinal);
}
