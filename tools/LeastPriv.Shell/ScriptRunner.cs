using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

namespace LeastPriv.Shell;

/// <summary>Owns the runspace: imports the module, runs scripts, maps the outcome to an exit code.</summary>
internal sealed class ScriptRunner : IDisposable
{
    private readonly ShellHost _host;
    private readonly Runspace _runspace;
    private PowerShell? _running;

    public ScriptRunner(ShellHost host)
    {
        _host = host;
        var iss = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            // Execution policy exists on Windows only; the shell runs the user's own scripts.
            iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        _runspace = RunspaceFactory.CreateRunspace(host, iss);
        _runspace.Open();
    }

    /// <summary>Imports the module; false (with the error on stderr) when it cannot.</summary>
    public bool ImportModule(string manifestPath)
    {
        // Scripts may also say `Import-Module LeastPriv`: put the staged root on PSModulePath.
        var moduleRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(manifestPath))));
        if (moduleRoot is not null)
        {
            var current = Environment.GetEnvironmentVariable("PSModulePath") ?? string.Empty;
            Environment.SetEnvironmentVariable("PSModulePath", moduleRoot + Path.PathSeparator + current);
        }

        using var ps = PowerShell.Create(_runspace);
        ps.AddCommand("Import-Module").AddParameter("Name", manifestPath).AddParameter("ErrorAction", ActionPreference.Stop);
        try
        {
            ps.Invoke();
            return true;
        }
        catch (RuntimeException ex)
        {
            _host.UI.WriteErrorLine($"LeastPriv.Shell: cannot import '{manifestPath}': {ex.Message}");
            return false;
        }
    }

    public int RunCommand(string script) => Run(script, isFile: false);

    public int RunFile(string path, IReadOnlyList<string> arguments)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            _host.UI.WriteErrorLine($"LeastPriv.Shell: the script file '{path}' does not exist.");
            return 64;
        }

        // pwsh -File binds "-Name value" as named parameters and the rest positionally; building
        // the call as script text gives exactly the parser's binding.
        var call = new StringBuilder("& ").Append(Quote(full));
        foreach (var argument in arguments)
        {
            call.Append(' ').Append(IsParameterName(argument) ? argument : Quote(argument));
        }

        return Run(call.ToString(), isFile: true);
    }

    /// <summary>Reads commands from stdin, one line at a time (a very small REPL).</summary>
    public int RunInteractive()
    {
        var last = 0;
        while (true)
        {
            if (!Console.IsInputRedirected)
            {
                Console.Out.Write("LP> ");
            }

            var line = Console.ReadLine();
            if (line is null)
            {
                return last;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            last = Run(line, isFile: false);
            if (_host.ExitCode is int code)
            {
                return code;
            }
        }
    }

    private const string SucceededVariable = "__LeastPrivShellSucceeded";

    private int Run(string script, bool isFile)
    {
        _runspace.SessionStateProxy.SetVariable("global:LASTEXITCODE", null);
        _runspace.SessionStateProxy.SetVariable("global:" + SucceededVariable, true);
        using var ps = PowerShell.Create(_runspace);
        _running = ps;
        // $? after the script says whether its last statement failed; pwsh turns that into exit
        // code 1 as well (an advanced script's terminating error only ends that statement).
        ps.AddScript(script + "\n$global:" + SucceededVariable + " = $?").AddCommand("Out-Default");
        // Errors travel with the output so Out-Default renders them in order, through the
        // engine's own error view, onto the host's error line (stderr).
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        using var cancel = new CancelOnCtrlC(ps);
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            _running = null;
            if (_host.ExitCode is int exitCode)
            {
                return exitCode;
            }

            WriteTerminatingError(ex.ErrorRecord ?? new ErrorRecord(ex, "ScriptHalted", ErrorCategory.OperationStopped, null));
            return 1;
        }

        _running = null;
        if (_host.ExitCode is int code)
        {
            return code;
        }

        // `exit N` in a script file, or its last native command's exit code, as pwsh -File does.
        if (isFile && _runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int lastExitCode && lastExitCode != 0)
        {
            return lastExitCode;
        }

        return _runspace.SessionStateProxy.GetVariable(SucceededVariable) is false ? 1 : 0;
    }

    private void WriteTerminatingError(ErrorRecord record)
    {
        // Re-written on the error stream and rendered like any command's error: the engine's
        // error view, on the host's error line (stderr).
        using var ps = PowerShell.Create(_runspace);
        ps.AddScript("[CmdletBinding()] param($Record) $PSCmdlet.WriteError($Record)").AddParameter("Record", record);
        ps.AddCommand("Out-Default");
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException)
        {
            _host.UI.WriteErrorLine(record.ToString());
        }
    }

    private static bool IsParameterName(string argument) =>
        argument.Length > 1 && argument[0] == '-' && (char.IsLetter(argument[1]) || argument[1] == '_')
        && argument.Skip(1).All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or ':');

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Stops the running script as Ctrl+C does (its finally blocks run); for SIGTERM.</summary>
    public void Stop()
    {
        try
        {
            _running?.BeginStop(null, null);
        }
        catch (ObjectDisposedException)
        {
            // The script ended meanwhile.
        }
    }

    public void Dispose() => _runspace.Dispose();

    /// <summary>Ctrl+C stops the running pipeline (cmdlets see StopProcessing) instead of killing the process.</summary>
    private sealed class CancelOnCtrlC : IDisposable
    {
        private readonly PowerShell _ps;

        public CancelOnCtrlC(PowerShell ps)
        {
            _ps = ps;
            Console.CancelKeyPress += OnCancel;
        }

        public void Dispose() => Console.CancelKeyPress -= OnCancel;

        private void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            _ps.BeginStop(null, null);
        }
    }
}
