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

var host = new ShellHost(interactive: !options.NonInteractive);
using var runner = new ScriptRunner(host);
if (!runner.ImportModule(manifest))
{
    return 3;
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
