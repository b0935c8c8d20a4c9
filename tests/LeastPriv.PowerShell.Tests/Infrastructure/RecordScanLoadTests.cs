using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Infrastructure;

/// <summary>
/// The staged module carries LeastPriv.Core.Vectorized beside its other binaries; on PowerShell 7
/// the reader binds it in the module's own load context and says so, and reads what the portable
/// scan reads.
/// </summary>
public sealed class RecordScanLoadTests : IDisposable
{
    private readonly PowerShellSession _ps = PowerShellSession.Open();

    public void Dispose() => _ps.Dispose();

    [Fact]
    public void GetLPCloudTrailEvent_WithAUserName_ScansWithTheVectorizedLoopsFromTheModuleContext()
    {
        var logs = Path.Combine(RepoPaths.Root, "examples", "logs");

        var run = _ps.Run("""
            $events = @(Get-LPCloudTrailEvent -Path $logs -UserName app-orders -IncludeErrors -Debug)
            $events.Count
            $module = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'LeastPriv' }
            $kernels = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'LeastPriv.Core.Vectorized' }
            @($kernels).Count
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($kernels) -eq [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($module)
            [System.IO.Path]::GetDirectoryName($kernels.Location) -eq [System.IO.Path]::GetDirectoryName($module.Location)
            """, new() { ["logs"] = logs }).ThrowIfFailed();

        Assert.True((int)run.Output[0].BaseObject > 10, "app-orders made more than ten calls in the example logs");
        Assert.Equal(1, (int)run.Output[1].BaseObject);
        Assert.True((bool)run.Output[2].BaseObject, "the kernels load in the module's context");
        Assert.True((bool)run.Output[3].BaseObject, "the kernels come from the module's bin folder");
        Assert.Contains(run.Debug, d => d.Message.Contains("by the vectorized (", StringComparison.Ordinal));
    }

    [Fact]
    public void GetLPCloudTrailEvent_PortableScanForced_ReadsTheSameEvents()
    {
        var logs = Path.Combine(RepoPaths.Root, "examples", "logs");

        // LEASTPRIV_SCAN is read once per process: the portable scan runs in a shell of its own.
        var script = ShellTests.TempScript("""
            param([string] $Logs)
            $ErrorActionPreference = 'Stop'
            $DebugPreference = 'Continue'
            $all = Get-LPCloudTrailEvent -Path $Logs -UserName app-orders -IncludeErrors 5>&1
            $all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -like '*record scan*' } | ForEach-Object { 'scan|' + $_.Message }
            $all | Where-Object { $_ -isnot [System.Management.Automation.DebugRecord] } | ForEach-Object { '{0}|{1}|{2}' -f $_.EventTime.ToString('o'), $_.EventName, $_.Region }
            """);
        var portable = ShellProcess.Run(["-NonInteractive", "-File", script, "-Logs", logs], environment: new Dictionary<string, string?> { ["LEASTPRIV_SCAN"] = "portable" });
        var vectorized = ShellProcess.Run(["-NonInteractive", "-File", script, "-Logs", logs]);

        Assert.True(portable.ExitCode == 0, portable.StdErr);
        Assert.True(vectorized.ExitCode == 0, vectorized.StdErr);
        var portableLines = portable.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var vectorizedLines = vectorized.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("by the portable record scan", Assert.Single(portableLines, l => l.StartsWith("scan|", StringComparison.Ordinal)));
        Assert.Contains("by the vectorized (", Assert.Single(vectorizedLines, l => l.StartsWith("scan|", StringComparison.Ordinal)));
        var events = vectorizedLines.Where(l => !l.StartsWith("scan|", StringComparison.Ordinal)).ToList();
        Assert.True(events.Count > 10, vectorized.StdOut);
        Assert.Equal(portableLines.Where(l => !l.StartsWith("scan|", StringComparison.Ordinal)), events);
    }
}
