using System.Collections;
using System.Management.Automation;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Infrastructure;

public sealed class ModuleManifestTests
{
    [Fact]
    public void TestModuleManifest_StagedManifest_PassesWithStampedVersionAndMetadata()
    {
        using var ps = PowerShellSession.Open(importModule: false);

        var run = ps.Run("Test-ModuleManifest -Path $LeastPrivManifest").ThrowIfFailed();

        var info = Assert.IsType<PSModuleInfo>(Assert.Single(run.Output).BaseObject);
        Assert.Equal(DirectoryBuildVersion(), info.Version.ToString(3));
        Assert.Equal(Path.GetFileName(RepoPaths.ModuleDirectory), info.Version.ToString(3));
        Assert.Equal(new Version(5, 1), info.PowerShellVersion);
        Assert.Contains("Desktop", info.CompatiblePSEditions);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Equal("LeastPriv.psm1", info.RootModule);
        var privateData = Assert.IsType<Hashtable>(info.PrivateData);
        var psData = Assert.IsType<Hashtable>(privateData["PSData"]);
        Assert.NotNull(info.LicenseUri);
        Assert.NotNull(info.ProjectUri);
        Assert.False(string.IsNullOrWhiteSpace(info.ReleaseNotes));
        Assert.Contains("AWS", ((IEnumerable)psData["Tags"]!).Cast<string>());
        var catalog = Assert.IsType<Hashtable>(privateData["IamCatalog"]);
        Assert.False(string.IsNullOrWhiteSpace(catalog["DataVersion"] as string));
    }

    [Fact]
    public void ImportModule_StagedModule_ExportsEveryCmdletTheAssemblyDefines()
    {
        using var ps = PowerShellSession.Open();

        var exported = ps.Run("(Get-Module LeastPriv).ExportedCmdlets.Keys").ThrowIfFailed().Objects.Cast<string>().ToHashSet();
        var listed = ps.Run("(Test-ModuleManifest -Path $LeastPrivManifest).ExportedCmdlets.Keys").ThrowIfFailed().Objects.Cast<string>().ToHashSet();
        var defined = CmdletsDefinedIn(ModuleAssembly(ps, "LeastPriv"));

        Assert.Equal(defined.Order(), exported.Order());
        Assert.Subset(listed, defined);
    }

    [Fact]
    public void ImportModule_Force_KeepsTheSameCmdletsExported()
    {
        using var ps = PowerShellSession.Open();
        var before = ps.Run("(Get-Module LeastPriv).ExportedCmdlets.Keys").ThrowIfFailed().Objects.Cast<string>().Order().ToList();

        var after = ps.Run("Import-Module -Name $LeastPrivManifest -Force -ErrorAction Stop; (Get-Module LeastPriv).ExportedCmdlets.Keys; Get-Command -Module LeastPriv -CommandType Cmdlet | ForEach-Object Name")
            .ThrowIfFailed().Objects.Cast<string>().ToList();

        var count = after.Count / 2;
        Assert.Equal(before, after.Take(count).Order());
        Assert.Equal(before, after.Skip(count).Order());
    }

    [Fact]
    public void ImportModule_OnPowerShell7_LoadsModuleAssembliesInOnePrivateLoadContext()
    {
        using var ps = PowerShellSession.Open();

        var cmdletAssembly = ModuleAssembly(ps, "LeastPriv");
        var context = AssemblyLoadContext.GetLoadContext(cmdletAssembly);
        var engine = context!.LoadFromAssemblyName(new System.Reflection.AssemblyName("LeastPriv.Core"));

        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Equal(Path.Combine(RepoPaths.ModuleDirectory, "bin", "LeastPriv.dll"), cmdletAssembly.Location);
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(engine));
        Assert.Equal(Path.Combine(RepoPaths.ModuleDirectory, "bin", "LeastPriv.Core.dll"), engine.Location);
    }

    [Fact]
    public void GetModule_PrivateData_ShowsTheEmbeddedCatalogVersion()
    {
        using var ps = PowerShellSession.Open();

        var shown = ps.Run("$m = Get-Module LeastPriv; $m.PrivateData.IamCatalog.DataVersion; $m.PrivateData.IamCatalog.DataDate")
            .ThrowIfFailed().Objects.Cast<string>().ToList();
        var context = AssemblyLoadContext.GetLoadContext(ModuleAssembly(ps, "LeastPriv"))!;
        var catalogType = context.LoadFromAssemblyName(new System.Reflection.AssemblyName("LeastPriv.Core")).GetType("LeastPriv.Core.Catalog.IamCatalog", true)!;
        var catalog = catalogType.GetProperty("Default")!.GetValue(null);
        var version = (string)catalogType.GetProperty("DataVersion")!.GetValue(catalog)!;
        var date = (DateTime)catalogType.GetProperty("DataDate")!.GetValue(catalog)!;

        Assert.Equal([version, date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)], shown);
    }

    [Fact]
    public void StagedModule_Files_HoldModuleBinariesHelpAndNoSystemManagementAutomation()
    {
        _ = StagedModule.ManifestPath;
        var files = Directory.EnumerateFiles(RepoPaths.ModuleDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.ModuleDirectory, f).Replace('\\', '/'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase));
        Assert.Superset(
            new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "LeastPriv.psd1", "LeastPriv.psm1", "LeastPriv.Format.ps1xml",
                "bin/LeastPriv.dll", "bin/LeastPriv.Core.dll", "bin/LeastPriv.Loader.dll", "bin/AWSSDK.Core.dll",
                "bin/en-US/LeastPriv.dll-Help.xml",
            },
            files);
    }

    internal static System.Reflection.Assembly ModuleAssembly(PowerShellSession ps, string name)
    {
        var location = Path.Combine(RepoPaths.ModuleDirectory, "bin", name + ".dll");
        return AppDomain.CurrentDomain.GetAssemblies().Single(a => !a.IsDynamic && a.GetName().Name == name && a.Location == location);
    }

    internal static HashSet<string> CmdletsDefinedIn(System.Reflection.Assembly assembly) =>
        assembly.GetExportedTypes()
            .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().FirstOrDefault())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string DirectoryBuildVersion()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        return Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
    }
}
