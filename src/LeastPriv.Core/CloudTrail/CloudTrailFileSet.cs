using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// The log files a read covers: files named directly, folders walked recursively, and
/// wildcards in the last path segment. Folder and wildcard matches keep only log file names
/// (<c>.json</c>, <c>.json.gz</c>, <c>.gz</c>, <c>.jsonl</c>, <c>.ndjson</c>); a file named directly is
/// read whatever its name. Digest files (<c>CloudTrail-Digest</c> in the path) hold hashes, not
/// events, and are always passed over
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html).
/// Files are in ordinal path order, each once.
/// </summary>
public sealed class CloudTrailFileSet
{
    private static readonly string[] LogExtensions = { ".json", ".gz", ".jsonl", ".ndjson" };

    private CloudTrailFileSet(IReadOnlyList<string> files, int digestFilesSkipped)
    {
        Files = files;
        DigestFilesSkipped = digestFilesSkipped;
    }

    public IReadOnlyList<string> Files { get; }

    public int DigestFilesSkipped { get; }

    public IReadOnlyList<CloudTrailSource> ToSources() => Files.Select(CloudTrailSource.FromFile).ToArray();

    /// <summary>
    /// Resolves <paramref name="paths"/> (relative ones against <paramref name="basePath"/>, or
    /// the current directory). Throws <c>CloudTrailPathNotFound</c> for a path that does not
    /// exist or a wildcard that matches nothing, before anything is read.
    /// </summary>
    public static CloudTrailFileSet Resolve(IEnumerable<string> paths, bool literal = false, string? basePath = null, IEngineReporter? reporter = null)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var digests = 0;
        foreach (var original in paths)
        {
            if (string.IsNullOrWhiteSpace(original))
            {
                throw CloudTrailErrors.NotFound(original ?? string.Empty);
            }

            var full = Path.GetFullPath(Path.Combine(basePath ?? Directory.GetCurrentDirectory(), original));
            if (File.Exists(full))
            {
                if (IsDigest(full))
                {
                    digests++;
                    reporter?.Verbose($"Skipping CloudTrail digest file '{full}'.");
                }
                else
                {
                    found.Add(full);
                }

                continue;
            }

            if (Directory.Exists(full))
            {
                Walk(full, found, ref digests, reporter);
                continue;
            }

            if (!literal && HasWildcard(Path.GetFileName(full)))
            {
                var dir = Path.GetDirectoryName(full);
                var before = found.Count + digests;
                if (dir is not null && Directory.Exists(dir))
                {
                    foreach (var entry in Directory.EnumerateFileSystemEntries(dir, Path.GetFileName(full)))
                    {
                        if (Directory.Exists(entry))
                        {
                            Walk(entry, found, ref digests, reporter);
                        }
                        else
                        {
                            AddIfLog(entry, found, ref digests);
                        }
                    }
                }

                if (found.Count + digests > before)
                {
                    continue;
                }
            }

            throw CloudTrailErrors.NotFound(original);
        }

        return new CloudTrailFileSet(found.ToArray(), digests);
    }

    public static bool IsDigest(string path) => path.IndexOf("CloudTrail-Digest", StringComparison.OrdinalIgnoreCase) >= 0;

    public static bool IsLogFileName(string path) =>
        LogExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static bool HasWildcard(string segment) => segment.IndexOfAny(new[] { '*', '?' }) >= 0;

    private static void AddIfLog(string file, SortedSet<string> found, ref int digests)
    {
        if (!IsLogFileName(file))
        {
            return;
        }

        if (IsDigest(file))
        {
            digests++;
        }
        else
        {
            found.Add(file);
        }
    }

    private static void Walk(string root, SortedSet<string> found, ref int digests, IEngineReporter? reporter)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            try
            {
                foreach (var file in Directory.EnumerateFiles(dir))
                {
                    AddIfLog(file, found, ref digests);
                }

                foreach (var sub in Directory.EnumerateDirectories(dir))
                {
                    // Linked folders are not followed: a link back up the tree would never end.
                    if ((File.GetAttributes(sub) & FileAttributes.ReparsePoint) == 0)
                    {
                        pending.Push(sub);
                    }
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                reporter?.Warning($"Cannot list folder '{dir}': {ex.Message}");
            }
        }
    }
}
