using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// The folder of session manifests, one <c>&lt;SessionId&gt;.json</c> per session:
/// <c>$LEASTPRIV_HOME/sessions</c> when set; else <c>%LOCALAPPDATA%\LeastPriv\sessions</c> on Windows;
/// else <c>$XDG_DATA_HOME/LeastPriv/sessions</c>, or <c>~/.local/share/LeastPriv/sessions</c>.
/// Every write goes to a temporary file in the same folder and is then renamed over the manifest,
/// so a crash leaves either the old or the new manifest, never a torn one.
/// </summary>
public sealed class SessionStore
{
    private static readonly Regex SessionIdPattern = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    private readonly object _gate = new();

    public SessionStore(string directory)
    {
        Directory = directory;
    }

    /// <summary>The folder holding the manifests.</summary>
    public string Directory { get; }

    /// <summary>The store at the documented default location.</summary>
    public static SessionStore Default() => new(DefaultDirectory());

    public static string DefaultDirectory()
    {
        var home = Environment.GetEnvironmentVariable("LEASTPRIV_HOME");
        if (!string.IsNullOrEmpty(home))
        {
            return Path.Combine(home!, "sessions");
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(local, "LeastPriv", "sessions");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg!, "LeastPriv", "sessions");
        }

        var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(user, ".local", "share", "LeastPriv", "sessions");
    }

    /// <summary>A new session id: <c>lp-yyyyMMddHHmmss-</c> and 8 random hex digits (sortable, fits a tag value).</summary>
    public static string NewSessionId(DateTimeOffset now)
        => "lp-" + now.UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);

    /// <summary>Rejects ids that are not file-name safe before any path is built from them.</summary>
    public static void ValidateSessionId(string sessionId)
    {
        if (sessionId is null || !SessionIdPattern.IsMatch(sessionId) || sessionId.Contains(".."))
        {
            throw new LeastPrivException(
                "SessionIdInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{sessionId}' is not a session id (letters, digits, '.', '_' and '-', up to 128 characters, for example lp-20261124033500-1a2b3c4d).",
                sessionId);
        }
    }

    public string PathOf(string sessionId)
    {
        ValidateSessionId(sessionId);
        return Path.Combine(Directory, sessionId + ".json");
    }

    /// <summary>Writes the manifest atomically (temporary file + rename) and stamps <see cref="SessionManifest.UpdatedAt"/>.</summary>
    public void Save(SessionManifest manifest)
    {
        var target = PathOf(manifest.SessionId);
        lock (_gate)
        {
            manifest.UpdatedAt = DateTimeOffset.UtcNow;
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                var temp = Path.Combine(Directory, "." + manifest.SessionId + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
                var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }

                Replace(temp, target);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new LeastPrivException(
                    "SessionManifestWriteFailed",
                    LPErrorCategory.WriteError,
                    $"The session manifest '{target}' could not be written: {ex.Message}",
                    target,
                    ex)
                {
                    RecommendedAction = "Check that the folder is writable, or set LEASTPRIV_HOME to a writable folder.",
                };
            }
        }
    }

    /// <summary>Reads one manifest; <c>SessionNotFound</c> when there is none.</summary>
    public SessionManifest Load(string sessionId)
    {
        var path = PathOf(sessionId);
        if (!File.Exists(path))
        {
            throw new LeastPrivException(
                "SessionNotFound",
                LPErrorCategory.ObjectNotFound,
                $"There is no discovery session '{sessionId}' in {Directory}.",
                sessionId)
            {
                RecommendedAction = "List the sessions with Get-LPDiscoverySession; set LEASTPRIV_HOME if they live elsewhere.",
            };
        }

        return Read(path);
    }

    /// <summary>Every manifest in the folder, oldest first; unreadable files are reported through <paramref name="onUnreadable"/>.</summary>
    public IReadOnlyList<SessionManifest> List(Action<LeastPrivException>? onUnreadable = null)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return Array.Empty<SessionManifest>();
        }

        var result = new List<SessionManifest>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            try
            {
                result.Add(Read(file));
            }
            catch (LeastPrivException ex)
            {
                onUnreadable?.Invoke(ex);
            }
        }

        return result.OrderBy(m => m.CreatedAt).ThenBy(m => m.SessionId, StringComparer.Ordinal).ToList();
    }

    private static SessionManifest Read(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<SessionManifest>(File.ReadAllBytes(path), JsonOptions);
            if (manifest is null || string.IsNullOrEmpty(manifest.SessionId))
            {
                throw new JsonException("no session id");
            }

            manifest.Resources ??= new();
            manifest.Windows ??= new();
            manifest.Jobs ??= new();
            return manifest;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new LeastPrivException(
                "SessionManifestInvalid",
                LPErrorCategory.InvalidData,
                $"The session manifest '{path}' cannot be read: {ex.Message}",
                path,
                ex);
        }
    }

    private static void Replace(string temp, string target)
    {
        // File.Replace needs an existing target; File.Move cannot overwrite on netstandard2.0.
        // Both are a rename within one folder, so readers never see a half-written manifest.
        if (File.Exists(target))
        {
            File.Replace(temp, target, null);
        }
        else
        {
            try
            {
                File.Move(temp, target);
            }
            catch (IOException) when (File.Exists(target))
            {
                File.Replace(temp, target, null);
            }
        }
    }
}
