using System.Diagnostics;

namespace LeastPriv.PowerShell.Tests.Harness;

/// <summary>
/// The module as users get it: out/LeastPriv/&lt;Version&gt;, staged by building src/LeastPriv
/// (the test project references it, so `dotnet test` stages it first). Built once here if absent.
/// </summary>
public static class StagedModule
{
    private static readonly Lazy<string> Manifest = new(EnsureBuilt, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Full path of the staged LeastPriv.psd1, building the module first if needed.</summary>
    public static string ManifestPath => Manifest.Value;

    private static string EnsureBuilt()
    {
        if (File.Exists(RepoPaths.ModuleManifest))
        {
            return RepoPaths.ModuleManifest;
        }

        var result = ProcessRunner.Run(
            "dotnet",
            ["build", Path.Combine(RepoPaths.Root, "src", "LeastPriv", "LeastPriv.csproj"), "-c", RepoPaths.Configuration, "-nologo"],
            timeout: TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0 || !File.Exists(RepoPaths.ModuleManifest))
        {
            throw new InvalidOperationException($"Building the module failed ({result.ExitCode}):\n{result.StdOut}\n{result.StdErr}");
        }

        return RepoPaths.ModuleManifest;
    }
}

/// <summary>Runs a child process to completion with its output captured (bounded in time).</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan? timeout = null,
        string? standardInput = null,
        IDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        info.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time.");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
