using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeastPriv.Core.Policy.Split;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Policy.Export;

/// <summary>What to export and where.</summary>
public sealed class PolicyExportOptions
{
    /// <summary>Full path of the file to write (parts of a split JSON export go beside it).</summary>
    public string Path { get; set; } = string.Empty;

    public LPExportFormat Format { get; set; } = LPExportFormat.Json;

    /// <summary>The IAM policy name (CloudFormation ManagedPolicyName, Terraform name); none when null.</summary>
    public string? PolicyName { get; set; }

    public LPPolicyTarget Target { get; set; } = LPPolicyTarget.Managed;

    public LPCloudFormationFormat CloudFormationFormat { get; set; } = LPCloudFormationFormat.Yaml;

    public LPTerraformStyle TerraformStyle { get; set; } = LPTerraformStyle.JsonEncode;

    /// <summary>Overwrite read-only files and create the folder when it does not exist.</summary>
    public bool Force { get; set; }

    /// <summary>Refuse to overwrite an existing file.</summary>
    public bool NoClobber { get; set; }
}

/// <summary>One file of an export: where it goes and its text.</summary>
public sealed class ExportFile
{
    internal ExportFile(string path, string content)
    {
        Path = path;
        Content = content;
    }

    public string Path { get; }

    public string Content { get; }
}

/// <summary>The files an export writes, and the split behind them.</summary>
public sealed class ExportPlan
{
    internal ExportPlan(IReadOnlyList<ExportFile> files, PolicySplitResult split)
    {
        Files = files;
        Split = split;
    }

    public IReadOnlyList<ExportFile> Files { get; }

    public PolicySplitResult Split { get; }
}

/// <summary>
/// Writes a policy as files ready to commit: IAM JSON, a CloudFormation template or Terraform
/// configuration. A policy over the target's size limit is split first
/// (<see cref="PolicySplitter"/>): one JSON file per part, or one resource per part in a template.
/// </summary>
public static class PolicyExporter
{
    // IAM policy names: 1-128 of [\w+=,.@-]
    // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html).
    private static readonly Regex PolicyNamePattern = new(@"^[A-Za-z0-9_+=,.@-]{1,128}$", RegexOptions.CultureInvariant);

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Checks the options and renders every file, without touching the disk.</summary>
    public static ExportPlan Plan(PolicyDocument document, PolicyExportOptions options)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        Validate(options);
        var split = PolicySplitter.Split(document, options.Target);
        var parts = split.Parts;
        var files = options.Format switch
        {
            LPExportFormat.Json => RenderJson(parts, options.Path),
            LPExportFormat.CloudFormation => new[] { new ExportFile(options.Path, RenderCloudFormation(parts, Stem(options.Path), options.PolicyName, options.CloudFormationFormat)) },
            LPExportFormat.Terraform => new[] { new ExportFile(options.Path, RenderTerraform(parts, Stem(options.Path), options.PolicyName, options.TerraformStyle)) },
            _ => throw UnknownFormat(options.Format),
        };
        return new ExportPlan(files, split);
    }

    /// <summary>Renders and writes the export; every file is checked before the first is written.</summary>
    public static IReadOnlyList<FileInfo> Export(PolicyDocument document, PolicyExportOptions options, IEngineReporter reporter)
    {
        if (reporter is null)
        {
            throw new ArgumentNullException(nameof(reporter));
        }

        var plan = Plan(document, options);
        if (plan.Split.WasSplit)
        {
            reporter.Warning(string.Format(
                CultureInfo.InvariantCulture,
                "The policy has {0:N0} characters (without white space), over the {1:N0} of a {2} policy: it is split into {3} policies ({4}).",
                plan.Split.OriginalSize,
                plan.Split.Limit,
                options.Target,
                plan.Split.Parts.Count,
                options.Format == LPExportFormat.Json ? "one file each" : "one resource each in " + System.IO.Path.GetFileName(options.Path)));
        }

        foreach (var file in plan.Files)
        {
            CheckWritable(file.Path, options);
        }

        var written = new List<FileInfo>();
        foreach (var file in plan.Files)
        {
            var description = plan.Split.WasSplit
                ? string.Format(CultureInfo.InvariantCulture, "Write {0} policy ({1} parts)", options.Format, plan.Split.Parts.Count)
                : string.Format(CultureInfo.InvariantCulture, "Write {0} policy", options.Format);
            if (!reporter.ShouldProcess(file.Path, description))
            {
                continue;
            }

            Write(file, options);
            written.Add(new FileInfo(file.Path));
        }

        return written;
    }

    private static void Validate(PolicyExportOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (!Enum.IsDefined(typeof(LPExportFormat), options.Format))
        {
            throw UnknownFormat(options.Format);
        }

        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new LeastPrivException("ExportPathMissing", LPErrorCategory.InvalidArgument, "No path to export the policy to.", options.Path);
        }

        if (Directory.Exists(options.Path))
        {
            throw new LeastPrivException("ExportPathIsDirectory", LPErrorCategory.InvalidArgument, $"'{options.Path}' is a folder; -Path names the file to write.", options.Path)
            {
                RecommendedAction = "Give a file name, e.g. -Path ./policy.json.",
            };
        }

        if (options.NoClobber && options.Force)
        {
            throw new LeastPrivException("ExportOptionsConflict", LPErrorCategory.InvalidArgument, "-NoClobber and -Force cannot be used together.", options.Path);
        }

        if (options.PolicyName is not null && !PolicyNamePattern.IsMatch(options.PolicyName))
        {
            throw new LeastPrivException("PolicyNameInvalid", LPErrorCategory.InvalidArgument, $"'{options.PolicyName}' is not a valid IAM policy name: 1 to 128 letters, digits and + = , . @ _ -.", options.PolicyName);
        }
    }

    private static LeastPrivException UnknownFormat(LPExportFormat format) =>
        new("ExportFormatUnknown", LPErrorCategory.InvalidArgument, $"'{format}' is not an export format (Json, CloudFormation, Terraform).", format);

    private static void CheckWritable(string path, PolicyExportOptions options)
    {
        if (Directory.Exists(path))
        {
            throw new LeastPrivException("ExportPathIsDirectory", LPErrorCategory.InvalidArgument, $"'{path}' is a folder.", path);
        }

        var folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder) && !options.Force)
        {
            throw new LeastPrivException("ExportFolderNotFound", LPErrorCategory.ObjectNotFound, $"The folder '{folder}' does not exist.", path)
            {
                RecommendedAction = "Create the folder, or add -Force to create it.",
            };
        }

        if (File.Exists(path) && options.NoClobber)
        {
            throw new LeastPrivException("ExportFileExists", LPErrorCategory.ResourceExists, $"'{path}' already exists and -NoClobber was given.", path)
            {
                RecommendedAction = "Remove -NoClobber to overwrite it, or choose another -Path.",
            };
        }
    }

    private static void Write(ExportFile file, PolicyExportOptions options)
    {
        try
        {
            var folder = System.IO.Path.GetDirectoryName(file.Path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            if (options.Force && File.Exists(file.Path))
            {
                var attributes = File.GetAttributes(file.Path);
                if ((attributes & FileAttributes.ReadOnly) != 0)
                {
                    File.SetAttributes(file.Path, attributes & ~FileAttributes.ReadOnly);
                }
            }

            File.WriteAllText(file.Path, file.Content, Utf8NoBom);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LeastPrivException("ExportWriteFailed", LPErrorCategory.WriteError, $"Cannot write '{file.Path}': {ex.Message}", file.Path, ex)
            {
                RecommendedAction = "Check that the file is not read-only (or use -Force) and that you can write to the folder.",
            };
        }
    }

    /// <summary>The file name without folder and extension.</summary>
    internal static string Stem(string path) => System.IO.Path.GetFileNameWithoutExtension(path);

    /// <summary>Where part <paramref name="number"/> of a split JSON export goes: <c>policy.json</c> -> <c>policy-part2.json</c>.</summary>
    public static string PartPath(string path, int number)
    {
        var folder = System.IO.Path.GetDirectoryName(path) ?? string.Empty;
        var name = System.IO.Path.GetFileNameWithoutExtension(path) + "-part" + number.ToString(CultureInfo.InvariantCulture) + System.IO.Path.GetExtension(path);
        return System.IO.Path.Combine(folder, name);
    }

    private static ExportFile[] RenderJson(IReadOnlyList<PolicyDocument> parts, string path)
    {
        if (parts.Count == 1)
        {
            return new[] { new ExportFile(path, parts[0].ToJson(indented: true) + "\n") };
        }

        return parts.Select((p, i) => new ExportFile(PartPath(path, i + 1), p.ToJson(indented: true) + "\n")).ToArray();
    }

    private static string PartSuffix(IReadOnlyList<PolicyDocument> parts, int index, string separator) =>
        parts.Count == 1 ? string.Empty : separator + "part" + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static string Describe(IReadOnlyList<PolicyDocument> parts, int index) =>
        parts.Count == 1
            ? "Least-privilege policy exported by LeastPriv"
            : string.Format(CultureInfo.InvariantCulture, "Least-privilege policy exported by LeastPriv (part {0} of {1})", index + 1, parts.Count);

    /// <summary>A CloudFormation template, YAML or JSON, with one AWS::IAM::ManagedPolicy per part and its ARN as an output.</summary>
    public static string RenderCloudFormation(IReadOnlyList<PolicyDocument> parts, string stem, string? policyName, LPCloudFormationFormat format)
    {
        var logical = LogicalId(policyName ?? stem);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("AWSTemplateFormatVersion", "2010-09-09");
            writer.WriteString("Description", parts.Count == 1 ? "Least-privilege IAM policy exported by LeastPriv" : string.Format(CultureInfo.InvariantCulture, "Least-privilege IAM policy exported by LeastPriv, split into {0} managed policies to fit IAM's size limit", parts.Count));
            writer.WriteStartObject("Resources");
            for (var i = 0; i < parts.Count; i++)
            {
                writer.WriteStartObject(logical + PartSuffix(parts, i, string.Empty).Replace("part", "Part"));
                writer.WriteString("Type", "AWS::IAM::ManagedPolicy");
                writer.WriteStartObject("Properties");
                if (policyName is not null)
                {
                    writer.WriteString("ManagedPolicyName", policyName + PartSuffix(parts, i, "-"));
                }

                writer.WriteString("Description", Describe(parts, i));
                writer.WritePropertyName("PolicyDocument");
                using (var policy = JsonDocument.Parse(parts[i].ToJson()))
                {
                    policy.RootElement.WriteTo(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteStartObject("Outputs");
            for (var i = 0; i < parts.Count; i++)
            {
                var id = logical + PartSuffix(parts, i, string.Empty).Replace("part", "Part");
                writer.WriteStartObject(id + "Arn");
                writer.WriteString("Description", "ARN of the managed policy");
                writer.WriteStartObject("Value");
                writer.WriteString("Ref", id);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var json = Encoding.UTF8.GetString(buffer.ToArray());
        if (format == LPCloudFormationFormat.Json)
        {
            return json + "\n";
        }

        using var template = JsonDocument.Parse(json);
        var yaml = new StringBuilder();
        YamlText.WriteMapping(yaml, template.RootElement, 0);
        return yaml.ToString();
    }

    /// <summary>Terraform configuration: one aws_iam_policy per part, the document as jsonencode(...) or an aws_iam_policy_document data source.</summary>
    public static string RenderTerraform(IReadOnlyList<PolicyDocument> parts, string stem, string? policyName, LPTerraformStyle style)
    {
        var label = HclText.Label(policyName ?? stem);
        var output = new StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            var name = label + PartSuffix(parts, i, "_");
            if (i > 0)
            {
                output.Append('\n');
            }

            if (style == LPTerraformStyle.PolicyDocument)
            {
                TerraformPolicyDocument.Write(output, parts[i], name);
                output.Append('\n');
            }

            output.Append("resource \"aws_iam_policy\" ").Append(HclText.String(name)).Append(" {\n");
            var attributes = new List<(string, Action<StringBuilder>)>();
            if (policyName is not null)
            {
                var iamName = policyName + PartSuffix(parts, i, "-");
                attributes.Add(("name", o => o.Append(HclText.String(iamName))));
            }

            var index = i;
            attributes.Add(("description", o => o.Append(HclText.String(Describe(parts, index)))));
            if (style == LPTerraformStyle.PolicyDocument)
            {
                attributes.Add(("policy", o => o.Append("data.aws_iam_policy_document.").Append(name).Append(".json")));
            }
            else
            {
                attributes.Add(("policy", o =>
                {
                    using var policy = JsonDocument.Parse(parts[index].ToJson());
                    o.Append("jsonencode(");
                    HclText.WriteValue(o, policy.RootElement, 2);
                    o.Append(')');
                }));
            }

            HclText.WriteAttributes(output, attributes, 2);
            output.Append("}\n");
        }

        return output.ToString();
    }

    /// <summary>A CloudFormation logical id: letters and digits only, PascalCase from the name.</summary>
    internal static string LogicalId(string name)
    {
        var builder = new StringBuilder();
        var upper = true;
        foreach (var c in name)
        {
            if (c < 128 && char.IsLetterOrDigit(c))
            {
                builder.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, "Policy");
        }

        return builder.ToString();
    }
}
