using System.Runtime.InteropServices;
using LeastPriv.Shell;

var options = ShellOptions.Parse(args);
if (options.ShowHelp)
{
    Console.Out.WriteLine(ShellOptions.Usage);
    return 0;
}

if (options.Error is not null)
{
    Console.Error.WriteLine("LeastPriv.Shell: " + options.Error);
    Console.Error.WriteLine(ShellOptions.Usage);
    return 64;
}

var manifest = ModuleLocator.Find();
if (manifest is not null && !File.Exists(manifest))
{
    Console.Error.WriteLine($"LeastPriv.Shell: LEASTPRIV_MODULE_PATH points to '{manifest}', which does not exist.");
    return 3;
}

if (manifest is null)
{
    Console.Error.WriteLine(
        "LeastPriv.Shell: the LeastPriv module is not built. Run `dotnet build` (or `dotnet run --project tools/LeastPriv.Shell`) "
        + "in the repository, or set LEASTPRIV_MODULE_PATH to a LeastPriv.psd1.");
    return 3;
}

if (!options.StandIn)
{
    return Run(options, manifest, onRunner: null, interrupted: null);
}

StandInEnvironment standIn;
using (var starting = new CancellationTokenSource())
{
    ConsoleCancelEventHandler cancelStart = (_, e) =>
    {
        e.Cancel = true;
        starting.Cancel();
    };
    Console.CancelKeyPress += cancelStart;
    try
    {
        Console.Error.WriteLine("LeastPriv.Shell: starting the local AWS stand-in (moto_server) ...");
        standIn = StandInEnvironment.Start(options.StandInHome, starting.Token);
    }
    catch (StandInStartException ex)
    {
        Console.Error.WriteLine("LeastPriv.Shell: the local AWS stand-in could not start: " + ex.Message);
        return 3;
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine("LeastPriv.Shell: cancelled while the local AWS stand-in was starting.");
        return 130;
    }
    finally
    {
        Console.CancelKeyPress -= cancelStart;
    }
}

using (standIn)
{
    Console.Error.WriteLine("LeastPriv.Shell: " + standIn.Describe());

    // Ctrl+C (which the terminal sends to the stand-in too: it ignores it) and a service
    // manager's SIGTERM stop the script, so its finally blocks run against a stand-in that is
    // still up; the stand-in is stopped below. Before the script starts, they cancel it.
    ScriptRunner? current = null;
    var interrupted = false;
    void Interrupt()
    {
        interrupted = true;
        current?.Stop();
    }

    ConsoleCancelEventHandler onCtrlC = (_, e) =>
    {
        e.Cancel = true;
        Interrupt();
    };
    Console.CancelKeyPress += onCtrlC;
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        Interrupt();
    });
    try
    {
        return Run(options, manifest, runner => current = runner, () => interrupted);
    }
    finally
    {
        Console.CancelKeyPress -= onCtrlC;
        Console.Error.WriteLine("LeastPriv.Shell: stopping the local AWS stand-in.");
    }
}
static int Run(ShellOptions options, string manifest, Action<ScriptRunner>? onRunner, Func<bool>? interrupted)
{
    var host = new ShellHost(interactive: !options.NonInteractive);
    using var runner = new ScriptRunner(host);
    onRunner?.Invoke(runner);
    if (!runner.ImportModule(manifest))
    {
        return 3;
    }

    if (interrupted?.Invoke() == true)
    {
        // Interrupted before the script started (pwsh's exit code for SIGINT).
        return 130;
    }

    if (options.Command is not null)
    {
        return runner.RunCommand(options.Command);
    }

    if (options.File is not null)
    {
        return runner.RunFile(options.File, options.FileArguments);
    }

    return runner.RunInteractive();
}
