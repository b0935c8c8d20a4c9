using System.Reflection;

namespace LeastPriv.Shell;

/// <summary>
/// Finds the LeastPriv module to import: $LEASTPRIV_MODULE_PATH, else LeastPriv/&lt;version&gt;
/// beside the shell (a packaged layout), else out/LeastPriv/&lt;version&gt; in the repository that
/// contains the shell or the current directory. The version the shell was built with wins;
/// otherwise the highest staged version.
/// </summary>
internal static class ModuleLocator
{
    public static string ExpectedVersion { get; } =
        typeof(ModuleLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LeastPrivModuleVersion")?.Value ?? string.Empty;

    public static string? Find()
    {
        var overridePath = Environment.GetEnvironmentVariable("LEASTPRIV_MODULE_PATH");
        if (!string.IsNullOrEmpty(overridePath))
        {
            return Directory.Exists(overridePath) ? Path.Combine(overridePath, "LeastPriv.psd1") : overridePath;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            if (InModuleRoot(start) is { } besideShell)
            {
                return besideShell;
            }

            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (InModuleRoot(Path.Combine(dir.FullName, "out")) is { } staged)
                {
                    return staged;
                }
            }
        }

        return null;
    }

    /// <summary>Looks for &lt;root&gt;/LeastPriv/&lt;version&gt;/LeastPriv.psd1.</summary>
    private static string? InModuleRoot(string root)
    {
        var moduleDir = Path.Combine(root, "LeastPriv");
        if (!Directory.Exists(moduleDir))
        {
            return null;
        }

        var preferred = Path.Combine(moduleDir, ExpectedVersion, "LeastPriv.psd1");
        if (ExpectedVersion.Length > 0 && File.Exists(preferred))
        {
            return preferred;
        }

        return Directory.EnumerateDirectories(moduleDir)
            .Select(d => (Dir: d, Ok: Version.TryParse(Path.GetFileName(d), out var v), Version: v))
            .Where(x => x.Ok && File.Exists(Path.Combine(x.Dir, "LeastPriv.psd1")))
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "LeastPriv.psd1"))
            .FirstOrDefault();
    }
}
