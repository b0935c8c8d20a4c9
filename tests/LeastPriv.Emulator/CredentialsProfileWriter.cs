using System.Text;

namespace LeastPriv.Emulator;

/// <summary>
/// Writes one [profile] section into an AWS shared credentials file, replacing a section of the
/// same name and keeping every other line as it was.
/// </summary>
public static class CredentialsProfileWriter
{
    public static void Write(string path, string profile, string accessKeyId, string secretAccessKey)
    {
        if (string.IsNullOrWhiteSpace(profile) || profile.IndexOfAny(['[', ']', '\r', '\n']) >= 0)
        {
            throw new StandInException($"'{profile}' is not a usable profile name.");
        }

        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
        var kept = new List<string>();
        var skipping = false;
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                skipping = trimmed[1..^1].Trim() == profile;
            }

            if (!skipping)
            {
                kept.Add(line);
            }
        }

        while (kept.Count > 0 && kept[^1].Trim().Length == 0)
        {
            kept.RemoveAt(kept.Count - 1);
        }

        var text = new StringBuilder();
        foreach (var line in kept)
        {
            text.Append(line).Append('\n');
        }

        if (kept.Count > 0)
        {
            text.Append('\n');
        }

        text.Append('[').Append(profile).Append("]\n");
        text.Append("aws_access_key_id = ").Append(accessKeyId).Append('\n');
        text.Append("aws_secret_access_key = ").Append(secretAccessKey).Append('\n');
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, text.ToString());
    }
}
