using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Infrastructure;

/// <summary>
/// AWS.Tools.Common loads its own AWSSDK.Core (3.7) into the default load context. LeastPriv,
/// imported afterwards into the same session, must run on its own AWSSDK.Core 4.x.
/// Runs in a fresh process (the shell) so nothing this test loads leaks into other tests.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DependencyIsolationTests
{
    private const string Script = """
        param([string] $OldSdk, [string] $Manifest)
        $ErrorActionPreference = 'Stop'
        $old = [System.Reflection.Assembly]::LoadFrom($OldSdk)
        $null = [Amazon.Runtime.AWSCredentials]
        Import-Module -Name $Manifest
        # Resolving AWS credentials runs AWSSDK.Core code (its profile store); a missing profile
        # fails before any request is sent. Binding or type-load failures would surface here too.
        $failure = 'none'
        try { New-LPDiscoveryUser -UserName 'lp-isolation-check' -ProfileName 'leastpriv-test-no-such-profile' -ErrorAction Stop }
        catch { $failure = '{0}|{1}' -f $_.FullyQualifiedErrorId, $_.Exception.GetType().FullName }
        $cmdletAssembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'LeastPriv' }
        $moduleContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($cmdletAssembly)
        # Resolving by name is what the runtime does the first time module code touches AWSSDK.
        $null = $moduleContext.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('AWSSDK.Core'))
        "failure|$failure"
        [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } | ForEach-Object {
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_)
            'sdk|{0}|{1}|{2}' -f $_.GetName().Version, ($context -eq [System.Runtime.Loader.AssemblyLoadContext]::Default), ($context -eq $moduleContext)
        }
        """;

    [Fact]
    public void ImportModule_AfterAnotherAwsSdkCoreLoaded_UsesItsOwnAwsSdkCoreInAPrivateContext()
    {
        var oldSdk = Path.Combine(RepoPaths.NuGetPackageRoot, "awssdk.core", "3.7.402", "lib", "netstandard2.0", "AWSSDK.Core.dll");
        Assert.True(File.Exists(oldSdk), $"{oldSdk} is missing (PackageDownload in the test project).");
        var empty = Path.Combine(Directory.CreateTempSubdirectory("lp-empty-").FullName, "Empty.psd1");
        File.WriteAllText(empty, "@{ ModuleVersion = '1.0.0' }");
        var script = ShellTests.TempScript(Script);

        // The shell imports nothing LeastPriv-related first: the script does, after the old SDK.
        var result = ShellProcess.Run(
            ["-NonInteractive", "-File", script, "-OldSdk", oldSdk, "-Manifest", StagedModule.ManifestPath],
            environment: new Dictionary<string, string?> { ["LEASTPRIV_MODULE_PATH"] = empty });

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var failure = lines.Single(l => l.StartsWith("failure|", StringComparison.Ordinal));
        Assert.DoesNotContain("FileLoadException", failure);
        Assert.DoesNotContain("TypeLoadException", failure);
        Assert.DoesNotContain("MissingMethodException", failure);
        Assert.DoesNotContain("InvalidCastException", failure);
        Assert.StartsWith("failure|AwsProfileNotFound,", failure);
        var sdks = lines.Where(l => l.StartsWith("sdk|", StringComparison.Ordinal)).Select(l => l.Split('|')).ToList();
        Assert.Equal(2, sdks.Count);
        var shared = Assert.Single(sdks, s => s[2] == "True");
        Assert.StartsWith("3.", shared[1]);
        var own = Assert.Single(sdks, s => s[3] == "True");
        Assert.StartsWith("4.", own[1]);
        Assert.Equal("False", own[2]);
    }
}
