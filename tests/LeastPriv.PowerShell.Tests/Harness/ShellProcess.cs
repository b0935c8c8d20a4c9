namespace LeastPriv.PowerShell.Tests.Harness;

/// <summary>Runs tools/LeastPriv.Shell as a separate process, the way the README's command does.</summary>
public static class ShellProcess
{
    public static string ShellAssembly => RepoPaths.ToolAssembly("LeastPriv.Shell");

    public static ProcessRunner.Result Run(IEnumerable<string> arguments, string? standardInput = null, IDictionary<string, string?>? environment = null)
    {
        _ = StagedModule.ManifestPath;
        if (!File.Exists(ShellAssembly))
        {
            throw new InvalidOperationException($"{ShellAssembly} is not built (the test project references tools/LeastPriv.Shell).");
        }

        return ProcessRunner.Run("dotnet", [ShellAssembly, .. arguments], TimeSpan.FromMinutes(2), standardInput, environment);
    }
}
