using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace LeastPriv.PowerShell.Tests.Harness;

/// <summary>
/// A real PowerShell engine in the test process with the staged LeastPriv module imported
/// (as a user's session would have it). Only Microsoft.PowerShell.Core commands exist here.
/// <code>
/// using var ps = PowerShellSession.Open();
/// var run = ps.Run("Get-LPCloudTrailEvent -Path $p", new() { ["p"] = path });
/// Assert.Empty(run.Errors);
/// </code>
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    private PowerShellSession(Runspace runspace)
    {
        _runspace = runspace;
    }

    public Runspace Runspace => _runspace;

    /// <summary>Opens a fresh runspace and imports the staged module (unless told not to).</summary>
    public static PowerShellSession Open(bool importModule = true)
    {
        var manifest = StagedModule.ManifestPath;
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var session = new PowerShellSession(runspace);
        session.SetVariable("LeastPrivManifest", manifest);
        if (importModule)
        {
            session.Run("Import-Module -Name $LeastPrivManifest -ErrorAction Stop").ThrowIfFailed();
        }

        return session;
    }

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    public object? GetVariable(string name) => _runspace.SessionStateProxy.GetVariable(name);

    /// <summary>
    /// Runs <paramref name="script"/>; <paramref name="variables"/> are set as session variables
    /// first. A terminating error is captured in <see cref="PSRun.TerminatingError"/>, not thrown.
    /// </summary>
    public PSRun Run(string script, Dictionary<string, object?>? variables = null)
    {
        foreach (var (name, value) in variables ?? [])
        {
            SetVariable(name, value);
        }

        using var ps = System.Management.Automation.PowerShell.Create(_runspace);
        ps.AddScript(script);
        Collection<PSObject> output;
        ErrorRecord? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            output = [];
            terminating = ex.ErrorRecord;
        }

        return new PSRun(
            output,
            [.. ps.Streams.Error],
            [.. ps.Streams.Warning],
            [.. ps.Streams.Verbose],
            [.. ps.Streams.Debug],
            [.. ps.Streams.Progress],
            [.. ps.Streams.Information],
            terminating);
    }

    public void Dispose() => _runspace.Dispose();
}

/// <summary>Everything one script produced, stream by stream.</summary>
public sealed record PSRun(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<WarningRecord> Warnings,
    IReadOnlyList<VerboseRecord> Verbose,
    IReadOnlyList<DebugRecord> Debug,
    IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<InformationRecord> Information,
    ErrorRecord? TerminatingError)
{
    /// <summary>FullyQualifiedErrorId of every error, the terminating one last.</summary>
    public IReadOnlyList<string> ErrorIds =>
        [.. Errors.Select(e => e.FullyQualifiedErrorId), .. TerminatingError is null ? Array.Empty<string>() : [TerminatingError.FullyQualifiedErrorId]];

    /// <summary>The output's base objects (unwrapped from PSObject).</summary>
    public IReadOnlyList<object> Objects => [.. Output.Select(o => o.BaseObject)];

    /// <summary>Throws with every error's text when the script wrote an error or stopped on one.</summary>
    public PSRun ThrowIfFailed()
    {
        if (TerminatingError is not null || Errors.Count > 0)
        {
            var all = Errors.Concat(TerminatingError is null ? [] : [TerminatingError])
                .Select(e => $"{e.FullyQualifiedErrorId}: {e}");
            throw new InvalidOperationException("The script failed:\n" + string.Join("\n", all));
        }

        return this;
    }
}
