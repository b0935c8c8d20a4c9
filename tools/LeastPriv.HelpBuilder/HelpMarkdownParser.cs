using System.Text;

namespace LeastPriv.HelpBuilder;

/// <summary>
/// Reads the help markdown format documented in docs/README.md: a "# Verb-Noun" title, then
/// "## SYNOPSIS", "## DESCRIPTION", "## EXAMPLES" ("### Example N: title", a fenced code block,
/// remarks), "## PARAMETERS" ("### -Name", description), "## INPUTS" / "## OUTPUTS"
/// ("### TypeName", text), "## NOTES" and optionally "## RELATED LINKS".
/// Headings inside fenced code blocks are code (a PowerShell comment starts with '#').
/// </summary>
internal static class HelpMarkdownParser
{
    public static HelpDocument Parse(string path, string text, List<string> errors)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        string? title = null;
        string? section = null;
        string? subsection = null;
        var body = new List<string>();
        var inFence = false;
        HelpDocument? doc = null;
        var fileName = System.IO.Path.GetFileNameWithoutExtension(path);

        void Flush()
        {
            if (section is null)
            {
                body.Clear();
                return;
            }

            doc ??= new HelpDocument(path, title ?? fileName);
            Apply(doc, section, subsection, body, errors);
            body.Clear();
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                body.Add(line);
                continue;
            }

            if (!inFence && line.StartsWith("### ", StringComparison.Ordinal))
            {
                Flush();
                subsection = line[4..].Trim();
                continue;
            }

            if (!inFence && line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                section = line[3..].Trim().ToUpperInvariant();
                subsection = null;
                continue;
            }

            if (!inFence && line.StartsWith("# ", StringComparison.Ordinal))
            {
                Flush();
                title = line[2..].Trim();
                doc ??= new HelpDocument(path, title);
                section = null;
                subsection = null;
                continue;
            }

            body.Add(line);
        }

        if (inFence)
        {
            errors.Add($"{path}: a fenced code block is not closed.");
        }

        Flush();
        doc ??= new HelpDocument(path, title ?? fileName);
        if (title is null)
        {
            errors.Add($"{path}: the first heading must be '# {fileName}'.");
        }
        else if (!string.Equals(title, fileName, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{path}: the title '# {title}' does not match the file name '{fileName}'.");
        }

        if (string.IsNullOrWhiteSpace(doc.Synopsis))
        {
            errors.Add($"{path}: '## SYNOPSIS' is missing or empty.");
        }

        if (doc.Examples.Count == 0)
        {
            errors.Add($"{path}: '## EXAMPLES' needs at least one '### Example 1: ...' with a code block.");
        }

        return doc;
    }

    private static void Apply(HelpDocument doc, string section, string? subsection, List<string> body, List<string> errors)
    {
        switch (section)
        {
            case "SYNOPSIS":
                doc.Synopsis = string.Join(" ", Paragraphs(body));
                break;
            case "DESCRIPTION":
                doc.Description.AddRange(Paragraphs(body));
                break;
            case "NOTES":
                doc.Notes.AddRange(Paragraphs(body));
                break;
            case "RELATED LINKS":
                foreach (var line in body.Where(l => l.Trim().Length > 0))
                {
                    doc.RelatedLinks.Add(line.Trim().TrimStart('-', '*').Trim());
                }

                break;
            case "EXAMPLES":
                if (subsection is null)
                {
                    break;
                }

                var example = new HelpExample(subsection);
                SplitCode(body, example.Code, example.Remarks);
                if (example.Code.Count == 0)
                {
                    errors.Add($"{doc.Path}: '{subsection}' has no fenced code block.");
                }

                doc.Examples.Add(example);
                break;
            case "PARAMETERS":
                if (subsection is null)
                {
                    break;
                }

                if (!subsection.StartsWith('-'))
                {
                    errors.Add($"{doc.Path}: parameter heading '### {subsection}' must be '### -Name'.");
                    break;
                }

                var name = subsection[1..].Trim();
                var description = Paragraphs(body);
                if (description.Count == 0)
                {
                    errors.Add($"{doc.Path}: parameter -{name} has no description.");
                }

                doc.Parameters[name] = description;
                break;
            case "INPUTS":
            case "OUTPUTS":
                if (subsection is null)
                {
                    break;
                }

                var entry = new HelpTypeEntry(subsection);
                entry.Description.AddRange(Paragraphs(body));
                (section == "INPUTS" ? doc.Inputs : doc.Outputs).Add(entry);
                break;
            default:
                errors.Add($"{doc.Path}: unknown section '## {section}'.");
                break;
        }
    }

    /// <summary>Separates the first fenced code block of an example from the text around it.</summary>
    private static void SplitCode(List<string> body, List<string> code, List<string> remarks)
    {
        var text = new List<string>();
        var inFence = false;
        var seenCode = false;
        foreach (var line in body)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                seenCode = true;
                continue;
            }

            if (inFence)
            {
                code.Add(line);
            }
            else
            {
                text.Add(line);
            }
        }

        if (!seenCode)
        {
            code.Clear();
        }

        remarks.AddRange(Paragraphs(text));
    }

    /// <summary>Blank-line separated paragraphs; list items ("- ", "* ") stay separate lines.</summary>
    internal static List<string> Paragraphs(IEnumerable<string> lines)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        void End()
        {
            if (current.Length > 0)
            {
                result.Add(current.ToString());
                current.Clear();
            }
        }

        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                End();
                continue;
            }

            if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal))
            {
                End();
            }

            if (current.Length > 0)
            {
                current.Append(' ');
            }

            current.Append(line);
        }

        End();
        return result;
    }
}
