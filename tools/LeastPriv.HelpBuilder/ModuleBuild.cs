using System.Collections;
using System.Globalization;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;

namespace LeastPriv.HelpBuilder;

/// <summary>The inputs of one run: where the staged module is and where its sources are.</summary>
internal sealed class ModuleBuildOptions
{
    /// <summary>out/LeastPriv/&lt;version&gt; (holds bin/LeastPriv.dll already).</summary>
    public required string ModuleDirectory { get; init; }

    /// <summary>The repository's LeastPriv.psd1 (template: version and catalog are stamped).</summary>
    public required string ManifestTemplate { get; init; }

    /// <summary>docs/en-US.</summary>
    public required string DocsDirectory { get; init; }

    public required string Version { get; init; }

    public string CmdletAssemblyName { get; init; } = "LeastPriv.dll";

    public string Culture { get; init; } = "en-US";

    /// <summary>The cmdlet project's build output; null when the module is already staged.</summary>
    public string? SourceBin { get; init; }

    /// <summary>psm1 and format files copied next to the manifest.</summary>
    public IReadOnlyList<string> RootFiles { get; init; } = [];
}

/// <summary>Checks the help against the cmdlets, writes the MAML help and the stamped manifest.</summary>
internal static class ModuleBuild
{
    public static List<string> Run(ModuleBuildOptions options, TextWriter log)
    {
        var errors = new List<string>();
        if (options.SourceBin is not null)
        {
            var changed = ModuleStager.Stage(options.SourceBin, options.RootFiles, options.ModuleDirectory);
            log.WriteLine($"LeastPriv {options.Version}: {changed} staged file(s) updated");
        }

        var binDirectory = Path.Combine(options.ModuleDirectory, "bin");
        var assemblyPath = Path.Combine(binDirectory, options.CmdletAssemblyName);
        if (!File.Exists(assemblyPath))
        {
            errors.Add($"{assemblyPath}: the cmdlet assembly is not staged.");
            return errors;
        }

        var docs = ReadDocs(options.DocsDirectory, errors);
        var module = ModuleInspection.Inspect(assemblyPath);
        var pairs = Match(module.Cmdlets, docs, options.DocsDirectory, errors);

        var manifest = StampManifest(File.ReadAllText(options.ManifestTemplate), options, module, errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        var helpPath = Path.Combine(binDirectory, options.Culture, Path.GetFileName(assemblyPath) + "-Help.xml");
        WriteIfChanged(helpPath, MamlWriter.Write(pairs));
        WriteIfChanged(Path.Combine(options.ModuleDirectory, "LeastPriv.psd1"), manifest);
        log.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"LeastPriv {options.Version}: {pairs.Count} cmdlet(s) documented, IAM catalog {module.CatalogVersion ?? "not embedded"} -> {options.ModuleDirectory}"));
        return errors;
    }

    private static Dictionary<string, HelpDocument> ReadDocs(string directory, List<string> errors)
    {
        var docs = new Dictionary<string, HelpDocument>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(directory))
        {
            return docs;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*.md").Order(StringComparer.Ordinal))
        {
            var doc = HelpMarkdownParser.Parse(path, File.ReadAllText(path), errors);
            docs[Path.GetFileNameWithoutExtension(path)] = doc;
        }

        return docs;
    }

    private static List<(CmdletMetadata, HelpDocument)> Match(
        List<CmdletMetadata> cmdlets, Dictionary<string, HelpDocument> docs, string docsDirectory, List<string> errors)
    {
        var pairs = new List<(CmdletMetadata, HelpDocument)>();
        foreach (var cmdlet in cmdlets)
        {
            if (!docs.TryGetValue(cmdlet.Name, out var doc))
            {
                errors.Add($"{Path.Combine(docsDirectory, cmdlet.Name + ".md")}: cmdlet {cmdlet.Name} has no help file; write one (format: docs/README.md).");
                continue;
            }

            foreach (var parameter in cmdlet.Parameters)
            {
                if (!doc.Parameters.ContainsKey(parameter.Name) && !MamlWriter.StandardParameters.ContainsKey(parameter.Name))
                {
                    errors.Add($"{doc.Path}: parameter -{parameter.Name} of {cmdlet.Name} is not documented; add '### -{parameter.Name}' under '## PARAMETERS'.");
                }
            }

            foreach (var documented in doc.Parameters.Keys)
            {
                if (!cmdlet.Parameters.Any(p => string.Equals(p.Name, documented, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add($"{doc.Path}: documents -{documented}, which {cmdlet.Name} does not have.");
                }
            }

            pairs.Add((cmdlet, doc));
        }

        foreach (var name in docs.Keys.Where(n => !cmdlets.Any(c => string.Equals(c.Name, n, StringComparison.OrdinalIgnoreCase))))
        {
            errors.Add($"{docs[name].Path}: no cmdlet named {name} exists in the module.");
        }

        return pairs;
    }

    /// <summary>
    /// The staged manifest is the repository's with ModuleVersion and the catalog's data version
    /// filled in; every cmdlet the assembly defines must be listed in CmdletsToExport.
    /// </summary>
    internal static string StampManifest(string template, ModuleBuildOptions options, ModuleInspection? module, List<string> errors)
    {
        var ast = Parser.ParseInput(template, out _, out var parseErrors);
        if (parseErrors.Length > 0)
        {
            errors.Add($"{options.ManifestTemplate}: {parseErrors[0].Message} (line {parseErrors[0].Extent.StartLineNumber}).");
            return template;
        }

        var data = ast.Find(a => a is HashtableAst, false) is HashtableAst table ? table.SafeGetValue() as Hashtable : null;
        if (data is null)
        {
            errors.Add($"{options.ManifestTemplate}: not a module manifest (no hashtable).");
            return template;
        }

        var exported = (data["CmdletsToExport"] as IEnumerable)?.Cast<object>().Select(o => o.ToString() ?? string.Empty).ToHashSet(StringComparer.OrdinalIgnoreCase)
            ?? [];
        foreach (var cmdlet in module?.Cmdlets ?? [])
        {
            if (!exported.Contains(cmdlet.Name))
            {
                errors.Add($"{options.ManifestTemplate}: cmdlet {cmdlet.Name} is not listed in CmdletsToExport.");
            }
        }

        var text = Replace(template, "ModuleVersion", options.Version, errors, options.ManifestTemplate);
        if (module?.CatalogVersion is { Length: > 0 } catalogVersion)
        {
            text = Replace(text, "DataVersion", catalogVersion, errors, options.ManifestTemplate);
            var date = module.CatalogDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "unknown";
            text = Replace(text, "DataDate", date, errors, options.ManifestTemplate);
        }

        return text;
    }

    private static string Replace(string text, string key, string value, List<string> errors, string path)
    {
        var pattern = new Regex(@"(?m)^(\s*" + key + @"\s*=\s*)'[^']*'");
        if (!pattern.IsMatch(text))
        {
            errors.Add($"{path}: no line \"{key} = '...'\" to stamp.");
            return text;
        }

        return pattern.Replace(text, m => m.Groups[1].Value + "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'", 1);
    }

    /// <summary>
    /// Leaves an unchanged file alone (keeps incremental builds incremental) and replaces a
    /// changed one by rename, so a test host reading it never sees half a file.
    /// </summary>
    internal static void WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
