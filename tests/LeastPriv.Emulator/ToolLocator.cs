using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LeastPriv.Emulator;

/// <summary>
/// Finds the Python tools the stand-in relies on (moto_server, aws): PATH first, then
/// $HOME/.pyenv/shims, where the machine image's Python installs them without putting them on PATH.
/// A pyenv shim is resolved to the real script once (<c>pyenv which</c>), because every run through
/// a shim pays for a round of pyenv's shell start-up.
/// </summary>
public static partial class ToolLocator
{
    private static readonly Dictionary<string, string?> Cache = new(StringComparer.Ordinal);

    public static string? Find(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var cached))
            {
                return cached;
            }
        }

        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .ToList();
        var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            candidates.Add(Path.Combine(home, ".pyenv", "shims", name));
        }

        var found = candidates.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            found = ResolvePyenvShim(found, name) ?? found;
        }

        lock (Cache)
        {
            Cache[name] = found;
        }

        return found;
    }

    /// <summary>The script a pyenv shim would run, or null when <paramref name="path"/> is not a shim or pyenv cannot say.</summary>
    public static string? ResolvePyenvShim(string path, string name)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > 4096)
            {
                return null;
            }

            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var pyenv = ShimExec().Match(text);
        if (!pyenv.Success || !File.Exists(pyenv.Groups[1].Value))
        {
            return null;
        }

        var start = new ProcessStartInfo(pyenv.Groups[1].Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("which");
        start.ArgumentList.Add(name);
        var root = ShimRoot().Match(text);
        if (root.Success)
        {
            start.Environment["PYENV_ROOT"] = root.Groups[1].Value;
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 && File.Exists(output) ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex("exec \"([^\"]+)\" exec ")]
    private static partial Regex ShimExec();

    [GeneratedRegex("PYENV_ROOT=\"([^\"]+)\"")]
    private static partial Regex ShimRoot();
}
