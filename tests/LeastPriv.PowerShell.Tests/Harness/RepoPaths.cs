using System.Reflection;

namespace LeastPriv.PowerShell.Tests.Harness;

/// <summary>Where things are: the repository (the folder holding LeastPriv.sln), shared data, build outputs.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root: the nearest folder above the test assembly holding LeastPriv.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>../shared beside the repository (AWS models, CloudTrail samples).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>Directory.Build.props Version, as the test project was built with.</summary>
    public static string ModuleVersion => Metadata("LeastPrivModuleVersion");

    /// <summary>Debug or Release: the configuration the sibling tools were built in.</summary>
    public static string Configuration => Metadata("LeastPrivConfiguration");

    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    /// <summary>out/LeastPriv/&lt;Version&gt;.</summary>
    public static string ModuleDirectory => Path.Combine(Root, "out", "LeastPriv", ModuleVersion);

    public static string ModuleManifest => Path.Combine(ModuleDirectory, "LeastPriv.psd1");

    public static string ToolAssembly(string project) =>
        Path.Combine(Root, "tools", project, "bin", Configuration, "net10.0", project + ".dll");

    private static string Metadata(string key) =>
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly carries no '{key}' metadata.");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeastPriv.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No LeastPriv.sln above {AppContext.BaseDirectory}.");
    }
}
