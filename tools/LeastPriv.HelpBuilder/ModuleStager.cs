namespace LeastPriv.HelpBuilder;

/// <summary>
/// Copies the module's files into out/LeastPriv/&lt;version&gt;. A changed file is written
/// beside its target and renamed over it: a PowerShell session or test host that has the old
/// assembly mapped keeps reading the old file (an in-place overwrite would change the pages
/// under it), and two builds staging at once never leave half a file. Unchanged files are not
/// touched, so the output stays incremental.
/// </summary>
internal static class ModuleStager
{
    /// <summary>PowerShell provides these; a copy in the module would shadow the host's own.</summary>
    private static readonly string[] HostProvided = ["System.Management.Automation", "Microsoft.PowerShell.", "Microsoft.Management.Infrastructure"];

    public static int Stage(string sourceBin, IEnumerable<string> rootFiles, string moduleDirectory)
    {
        var changed = 0;
        var bin = Path.Combine(moduleDirectory, "bin");
        Directory.CreateDirectory(bin);
        var binaries = Directory.EnumerateFiles(sourceBin, "*.dll")
            .Concat(Directory.EnumerateFiles(sourceBin, "LeastPriv*.pdb"))
            .Where(f => !HostProvided.Any(p => Path.GetFileName(f).StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            .ToList();

        foreach (var file in binaries)
        {
            changed += CopyIfChanged(file, Path.Combine(bin, Path.GetFileName(file))) ? 1 : 0;
        }

        foreach (var file in rootFiles)
        {
            changed += CopyIfChanged(file, Path.Combine(moduleDirectory, Path.GetFileName(file))) ? 1 : 0;
        }

        // A dependency that is gone from the build (or a host assembly staged by an older
        // build) must not linger in bin, where the load context would still find it.
        var wanted = binaries.Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // (*.tmp: another build's copy in flight.)
        foreach (var stale in Directory.EnumerateFiles(bin).Where(f => !wanted.Contains(Path.GetFileName(f)) && !f.EndsWith(".tmp", StringComparison.Ordinal)))
        {
            File.Delete(stale);
            changed++;
        }

        return changed;
    }

    private static bool CopyIfChanged(string source, string target)
    {
        if (File.Exists(target) && SameContent(source, target))
        {
            return false;
        }

        var temp = $"{target}.{Environment.ProcessId}.tmp";
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, target, overwrite: true);
        return true;
    }

    private static bool SameContent(string a, string b)
    {
        var infoA = new FileInfo(a);
        var infoB = new FileInfo(b);
        if (infoA.Length != infoB.Length)
        {
            return false;
        }

        return File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
    }
}
