using System.Text;
using System.Xml;

namespace LeastPriv.HelpBuilder;

/// <summary>
/// Writes MAML (the XML help format Get-Help reads for binary cmdlets, file
/// &lt;Assembly&gt;.dll-Help.xml in a culture folder beside the assembly).
/// Schema: https://learn.microsoft.com/powershell/scripting/developer/help/writing-help-for-windows-powershell-cmdlets
/// </summary>
internal static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>Descriptions for the risk-mitigation parameters every ShouldProcess cmdlet gets.</summary>
    internal static readonly Dictionary<string, string> StandardParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs. The cmdlet is not run.",
        ["Confirm"] = "Prompts you for confirmation before running the cmdlet.",
    };

    public static string Write(IEnumerable<(CmdletMetadata Cmdlet, HelpDocument Doc)> commands)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false) };
        var sb = new StringBuilder();
        using (var sw = new Utf8StringWriter(sb))
        using (var w = XmlWriter.Create(sw, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("helpItems", Msh);
            w.WriteAttributeString("schema", "maml");
            foreach (var (cmdlet, doc) in commands)
            {
                WriteCommand(w, cmdlet, doc);
            }

            w.WriteEndElement();
            w.WriteEndDocument();
        }

        return sb.ToString();
    }

    private static void WriteCommand(XmlWriter w, CmdletMetadata cmdlet, HelpDocument doc)
    {
        w.WriteStartElement("command", "command", Command);
        w.WriteAttributeString("xmlns", "maml", null, Maml);
        w.WriteAttributeString("xmlns", "command", null, Command);
        w.WriteAttributeString("xmlns", "dev", null, Dev);

        w.WriteStartElement("command", "details", Command);
        w.WriteElementString("command", "name", Command, cmdlet.Name);
        w.WriteElementString("command", "verb", Command, cmdlet.Verb);
        w.WriteElementString("command", "noun", Command, cmdlet.Noun);
        Description(w, [doc.Synopsis]);
        w.WriteEndElement();

        Description(w, doc.Description);

        w.WriteStartElement("command", "syntax", Command);
        foreach (var set in cmdlet.ParameterSets.OrderByDescending(s => s.IsDefault))
        {
            w.WriteStartElement("command", "syntaxItem", Command);
            w.WriteElementString("maml", "name", Maml, cmdlet.Name);
            foreach (var p in SyntaxOrder(set.Parameters))
            {
                Parameter(w, p, doc);
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", Command);
        foreach (var p in cmdlet.Parameters.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            Parameter(w, p, doc);
        }

        w.WriteEndElement();

        TypeList(w, "inputTypes", "inputType", doc.Inputs);
        var outputs = doc.Outputs.Count > 0 ? doc.Outputs : [.. cmdlet.OutputTypes.Select(t => new HelpTypeEntry(t))];
        TypeList(w, "returnValues", "returnValue", outputs);

        if (doc.Notes.Count > 0)
        {
            w.WriteStartElement("maml", "alertSet", Maml);
            w.WriteStartElement("maml", "alert", Maml);
            foreach (var para in doc.Notes)
            {
                w.WriteElementString("maml", "para", Maml, para);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteStartElement("command", "examples", Command);
        foreach (var example in doc.Examples)
        {
            w.WriteStartElement("command", "example", Command);
            w.WriteElementString("maml", "title", Maml, $"-------------------------- {example.Title} --------------------------");
            w.WriteElementString("dev", "code", Dev, string.Join("\n", example.Code));
            w.WriteStartElement("dev", "remarks", Dev);
            foreach (var para in example.Remarks)
            {
                w.WriteElementString("maml", "para", Maml, para);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", Command);
        foreach (var link in doc.RelatedLinks)
        {
            w.WriteStartElement("maml", "navigationLink", Maml);
            var isUri = Uri.TryCreate(link, UriKind.Absolute, out _);
            w.WriteElementString("maml", "linkText", Maml, isUri ? string.Empty : link);
            w.WriteElementString("maml", "uri", Maml, isUri ? link : string.Empty);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
    }

    /// <summary>Positional first (by position), then mandatory, then optional, switches last.</summary>
    private static IEnumerable<ParameterMetadata> SyntaxOrder(IEnumerable<ParameterMetadata> parameters) =>
        parameters
            .OrderBy(p => p.Position ?? int.MaxValue)
            .ThenBy(p => p.IsMandatory ? 0 : 1)
            .ThenBy(p => p.IsSwitch ? 1 : 0);

    private static void Parameter(XmlWriter w, ParameterMetadata p, HelpDocument doc)
    {
        w.WriteStartElement("command", "parameter", Command);
        w.WriteAttributeString("required", p.IsMandatory ? "true" : "false");
        w.WriteAttributeString("variableLength", p.Type.IsArray ? "true" : "false");
        w.WriteAttributeString("globbing", "false");
        w.WriteAttributeString("pipelineInput", p.PipelineInput);
        w.WriteAttributeString("position", p.Position is int pos ? pos.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named");
        w.WriteAttributeString("aliases", p.Aliases.Count > 0 ? string.Join(", ", p.Aliases) : "none");
        w.WriteElementString("maml", "name", Maml, p.Name);
        var description = doc.Parameters.TryGetValue(p.Name, out var paras)
            ? paras
            : StandardParameters.TryGetValue(p.Name, out var standard) ? [standard] : [];
        Description(w, description);
        var typeName = ParameterMetadata.FriendlyTypeName(p.Type);
        if (!p.IsSwitch)
        {
            w.WriteStartElement("command", "parameterValue", Command);
            w.WriteAttributeString("required", "true");
            w.WriteAttributeString("variableLength", p.Type.IsArray ? "true" : "false");
            w.WriteString(typeName);
            w.WriteEndElement();
        }

        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, p.Type.FullName ?? typeName);
        w.WriteElementString("maml", "uri", Maml, string.Empty);
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", Dev, p.IsSwitch ? "False" : "None");
        w.WriteEndElement();
    }

    private static void TypeList(XmlWriter w, string listElement, string itemElement, IEnumerable<HelpTypeEntry> entries)
    {
        w.WriteStartElement("command", listElement, Command);
        foreach (var entry in entries)
        {
            w.WriteStartElement("command", itemElement, Command);
            w.WriteStartElement("dev", "type", Dev);
            w.WriteElementString("maml", "name", Maml, entry.TypeName);
            w.WriteEndElement();
            Description(w, entry.Description);
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static void Description(XmlWriter w, IEnumerable<string> paragraphs)
    {
        w.WriteStartElement("maml", "description", Maml);
        foreach (var para in paragraphs)
        {
            w.WriteElementString("maml", "para", Maml, para);
        }

        w.WriteEndElement();
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter(StringBuilder sb)
            : base(sb, System.Globalization.CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
