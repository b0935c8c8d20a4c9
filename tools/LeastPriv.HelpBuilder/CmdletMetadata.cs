using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.Loader;
using LeastPriv.Loader;

namespace LeastPriv.HelpBuilder;

/// <summary>What PowerShell itself knows about one cmdlet: sets, parameters, binding.</summary>
internal sealed class CmdletMetadata
{
    public CmdletMetadata(string name, string verb, string noun)
    {
        Name = name;
        Verb = verb;
        Noun = noun;
    }

    public string Name { get; }

    public string Verb { get; }

    public string Noun { get; }

    public List<ParameterSetMetadata> ParameterSets { get; } = [];

    public List<string> OutputTypes { get; } = [];

    /// <summary>Every documented parameter (common parameters excluded), in declaration order.</summary>
    public IEnumerable<ParameterMetadata> Parameters =>
        ParameterSets.SelectMany(s => s.Parameters).GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.First());
}

internal sealed class ParameterSetMetadata
{
    public ParameterSetMetadata(string name, bool isDefault)
    {
        Name = name;
        IsDefault = isDefault;
    }

    public string Name { get; }

    public bool IsDefault { get; }

    public List<ParameterMetadata> Parameters { get; } = [];
}

internal sealed class ParameterMetadata
{
    public required string Name { get; init; }

    public required Type Type { get; init; }

    public bool IsMandatory { get; init; }

    /// <summary>Null when the parameter is only bound by name.</summary>
    public int? Position { get; init; }

    public bool ValueFromPipeline { get; init; }

    public bool ValueFromPipelineByPropertyName { get; init; }

    public bool ValueFromRemainingArguments { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    public bool IsSwitch => Type == typeof(SwitchParameter);

    public string PipelineInput => (ValueFromPipeline, ValueFromPipelineByPropertyName) switch
    {
        (true, true) => "True (ByPropertyName, ByValue)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };

    public static string FriendlyTypeName(Type type)
    {
        if (type.IsArray)
        {
            return FriendlyTypeName(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType)
        {
            var name = type.Name[..type.Name.IndexOf('`')];
            return $"{name}[{string.Join(", ", type.GetGenericArguments().Select(FriendlyTypeName))}]";
        }

        return type.Name;
    }
}

/// <summary>
/// Loads the staged cmdlet assembly the way LeastPriv.psm1 does on PowerShell 7 (private load
/// context) and asks a PowerShell runspace for the metadata of every cmdlet it defines.
/// </summary>
internal sealed class ModuleInspection
{
    // Get-Help adds <CommonParameters> itself; -WhatIf and -Confirm are documented per cmdlet.
    private static readonly HashSet<string> CommonParameters = new(
        Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters).Except(["WhatIf", "Confirm"]), StringComparer.OrdinalIgnoreCase);

    private ModuleInspection(Assembly cmdletAssembly)
    {
        CmdletAssembly = cmdletAssembly;
    }

    public Assembly CmdletAssembly { get; }

    public List<CmdletMetadata> Cmdlets { get; } = [];

    public string? CatalogVersion { get; private set; }

    public DateTime? CatalogDate { get; private set; }

    public static ModuleInspection Inspect(string cmdletAssemblyPath)
    {
        var assembly = ModuleLoadContext.Initialize(cmdletAssemblyPath);
        var inspection = new ModuleInspection(assembly);

        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create(runspace);
        ps.AddCommand("Import-Module").AddParameter("Assembly", assembly).AddParameter("PassThru");
        var module = ps.Invoke<PSModuleInfo>().FirstOrDefault()
            ?? throw new InvalidOperationException($"Import-Module -Assembly '{cmdletAssemblyPath}' returned no module.");
        if (ps.HadErrors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, ps.Streams.Error.Select(e => e.ToString())));
        }

        foreach (var cmdlet in module.ExportedCmdlets.Values.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
        {
            var meta = new CmdletMetadata(cmdlet.Name, cmdlet.Verb, cmdlet.Noun);
            foreach (var set in cmdlet.ParameterSets)
            {
                var setMeta = new ParameterSetMetadata(set.Name, set.IsDefault);
                foreach (var p in set.Parameters.Where(p => !CommonParameters.Contains(p.Name)))
                {
                    setMeta.Parameters.Add(new ParameterMetadata
                    {
                        Name = p.Name,
                        Type = p.ParameterType,
                        IsMandatory = p.IsMandatory,
                        Position = p.Position == int.MinValue ? null : p.Position,
                        ValueFromPipeline = p.ValueFromPipeline,
                        ValueFromPipelineByPropertyName = p.ValueFromPipelineByPropertyName,
                        ValueFromRemainingArguments = p.ValueFromRemainingArguments,
                        Aliases = [.. p.Aliases],
                    });
                }

                meta.ParameterSets.Add(setMeta);
            }

            foreach (var output in cmdlet.OutputType)
            {
                meta.OutputTypes.Add(output.Type?.FullName ?? output.Name);
            }

            inspection.Cmdlets.Add(meta);
        }

        inspection.ReadCatalog();
        return inspection;
    }

    /// <summary>
    /// The IAM catalog's data version, read from the engine itself so the manifest can never
    /// disagree with the data that ships. Absent while the catalog has no data.
    /// </summary>
    private void ReadCatalog()
    {
        try
        {
            var context = AssemblyLoadContext.GetLoadContext(CmdletAssembly) ?? AssemblyLoadContext.Default;
            var core = context.LoadFromAssemblyName(new AssemblyName("LeastPriv.Core"));
            var catalogType = core.GetType("LeastPriv.Core.Catalog.IamCatalog");
            var catalog = catalogType?.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            if (catalog is null)
            {
                return;
            }

            CatalogVersion = catalogType!.GetProperty("DataVersion")?.GetValue(catalog) as string;
            CatalogDate = catalogType.GetProperty("DataDate")?.GetValue(catalog) as DateTime?;
        }
        catch (Exception ex) when (ex is TargetInvocationException or NotImplementedException or FileNotFoundException)
        {
            CatalogVersion = null;
            CatalogDate = null;
        }
    }
}
