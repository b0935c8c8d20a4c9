using LeastPriv.HelpBuilder;

// Usage: LeastPriv.HelpBuilder --module-dir <out/LeastPriv/ver> --manifest <LeastPriv.psd1>
//                              --docs <docs/en-US> --version <ver>
//                              [--source-bin <build output> --root-files <psm1;ps1xml>]
// Errors are printed in MSBuild's canonical form so the build lists each one.
var arguments = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    arguments[args[i].TrimStart('-')] = args[i + 1];
}

string Required(string name)
{
    if (!arguments.TryGetValue(name, out var value) || value.Length == 0)
    {
        Console.Error.WriteLine($"LeastPriv.HelpBuilder : error LPHELP000: --{name} is required.");
        Environment.Exit(2);
    }

    return value;
}

var options = new ModuleBuildOptions
{
    ModuleDirectory = Path.GetFullPath(Required("module-dir")),
    ManifestTemplate = Path.GetFullPath(Required("manifest")),
    DocsDirectory = Path.GetFullPath(Required("docs")),
    Version = Required("version"),
    SourceBin = arguments.TryGetValue("source-bin", out var sourceBin) ? Path.GetFullPath(sourceBin) : null,
    RootFiles = arguments.TryGetValue("root-files", out var rootFiles)
        ? [.. rootFiles.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath)]
        : [],
};

var errors = ModuleBuild.Run(options, Console.Out);
foreach (var error in errors)
{
    var split = error.IndexOf(": ", StringComparison.Ordinal);
    var (file, message) = split > 0 ? (error[..split], error[(split + 2)..]) : ("LeastPriv.HelpBuilder", error);
    Console.Error.WriteLine($"{file} : error LPHELP001: {message}");
}

return errors.Count == 0 ? 0 : 1;
