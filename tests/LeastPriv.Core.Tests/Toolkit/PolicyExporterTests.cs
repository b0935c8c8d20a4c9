using CsCheck;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Diff;
using LeastPriv.Core.Policy.Export;
using LeastPriv.Core.Policy.Split;
using LeastPriv.Core.Reporting;
using LeastPriv.Core.Tests.CloudTrail;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class PolicyExporterTests : IDisposable
{
    private const string Sample = """
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Sid": "AllowS3", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-bucket/${aws:username}/*" },
            { "Sid": "AllowDynamodb", "Effect": "Allow", "Action": "dynamodb:Query",
              "Resource": ["arn:aws:dynamodb:eu-west-1:123456789012:table/Orders", "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/index/*"],
              "Condition": { "StringEquals": { "aws:RequestedRegion": "eu-west-1" }, "Bool": { "aws:SecureTransport": "true" } } },
            { "Sid": "DenyIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*" }
          ]
        }
        """;

    // Condition values and resources with every character the three syntaxes must escape.
    private static readonly Gen<string> Tricky = Gen.String[Gen.Char["ab:/*?${}%'\"\\# -é\t"], 1, 16];

    private static readonly Gen<PolicyDocument> TrickyDocument =
        Gen.Select(ToolkitGen.Document, Tricky, Tricky)
            .Select((doc, value, resource) => doc with
            {
                Statements = doc.Statements
                    .Select((s, i) => i == 0
                        ? s with { Condition = s.Condition.With("StringLike", "aws:PrincipalTag/" + (value.Length > 3 ? "team" : "x"), new[] { value }), Resource = s.Resource is null ? null : s.Resource.Append("arn:aws:s3:::" + resource).ToList() }
                        : s)
                    .ToList(),
            });

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lp-export-" + Guid.NewGuid().ToString("N"));

    public PolicyExporterTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<LPExportFormat, LPCloudFormationFormat, LPTerraformStyle, string> Formats => new()
    {
        { LPExportFormat.Json, LPCloudFormationFormat.Yaml, LPTerraformStyle.JsonEncode, "app-deployer.json" },
        { LPExportFormat.CloudFormation, LPCloudFormationFormat.Yaml, LPTerraformStyle.JsonEncode, "app-deployer.cfn.yaml" },
        { LPExportFormat.CloudFormation, LPCloudFormationFormat.Json, LPTerraformStyle.JsonEncode, "app-deployer.cfn.json" },
        { LPExportFormat.Terraform, LPCloudFormationFormat.Yaml, LPTerraformStyle.JsonEncode, "app-deployer.tf" },
        { LPExportFormat.Terraform, LPCloudFormationFormat.Yaml, LPTerraformStyle.PolicyDocument, "app-deployer-document.tf" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Plan_SamplePolicy_MatchesTheReviewedGoldenFile(LPExportFormat format, LPCloudFormationFormat cfn, LPTerraformStyle tf, string golden)
    {
        var plan = PolicyExporter.Plan(PolicyDocument.Parse(Sample), new PolicyExportOptions
        {
            Path = Path.Combine(_folder, golden),
            Format = format,
            PolicyName = "app-deployer",
            CloudFormationFormat = cfn,
            TerraformStyle = tf,
        });

        var file = Assert.Single(plan.Files);
        var expectedPath = Path.Combine(CloudTrailTestKit.RepoRoot, "tests", "LeastPriv.Core.Tests", "Toolkit", "Golden", golden);
        var actual = file.Content;
        if (!File.Exists(expectedPath) || File.ReadAllText(expectedPath) != actual)
        {
            // Leave the output beside the test run for review.
            File.WriteAllText(Path.Combine(Path.GetTempPath(), golden + ".actual"), actual);
        }

        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    [Fact]
    public void Plan_SplitPolicy_GoldenCloudFormationHasOneResourcePerPart()
    {
        var policy = ToolkitGen.Large(11, 8, 40);
        var plan = PolicyExporter.Plan(policy, new PolicyExportOptions { Path = Path.Combine(_folder, "big.yaml"), Format = LPExportFormat.CloudFormation });

        var parts = ExportReader.FromCloudFormationYaml(plan.Files[0].Content);

        Assert.True(plan.Split.WasSplit);
        Assert.Equal(plan.Split.Parts, parts);
        Assert.Contains("BigPart2:", plan.Files[0].Content, StringComparison.Ordinal);
        Assert.Contains("BigPart2Arn:", plan.Files[0].Content, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Plan_AnyPolicy_ReadsBackWithNoDifference(LPExportFormat format, LPCloudFormationFormat cfn, LPTerraformStyle tf, string name)
    {
        Gen.Frequency((4, TrickyDocument), (1, ToolkitGen.LargeDocument.Where(d => d.IamSize < 8 * PolicySizeLimits.Managed))).Sample(policy =>
        {
            var plan = PolicyExporter.Plan(policy, new PolicyExportOptions
            {
                Path = Path.Combine(_folder, name),
                Format = format,
                PolicyName = "p",
                CloudFormationFormat = cfn,
                TerraformStyle = tf,
            });

            var read = ReadBack(format, cfn, tf, plan);

            Assert.Equal(plan.Split.Parts, read);
            Assert.Empty(PolicyDifference.Compare(new[] { policy }, read));
        }, iter: 40);
    }

    [Fact]
    public void Plan_CloudFormationYaml_LeavesNoScalarPlainThatYaml11WouldReadAsNonString()
    {
        Gen.Select(TrickyDocument, Gen.OneOf("1234", "true", "2012-10-17", "yes", "null", "0x1F", "1e3", "~", "on"))
            .Sample((policy, odd) =>
            {
                var withOdd = policy with { Statements = policy.Statements.Append(new PolicyStatement { Sid = odd, Action = new[] { odd }, Resource = new[] { odd } }).ToList() };
                var yaml = PolicyExporter.RenderCloudFormation(new[] { withOdd }, "p", null, LPCloudFormationFormat.Yaml);
                foreach (var scalar in ExportReader.PlainScalars(yaml))
                {
                    Assert.Matches("^[A-Za-z][A-Za-z0-9_./:-]*$", scalar);
                    Assert.DoesNotMatch("^(?i:y|n|yes|no|true|false|on|off|null)$", scalar);
                }
            }, iter: 50);
    }

    [Fact]
    public void Export_SplitJson_WritesOneFilePerPartAndWarns()
    {
        var policy = ToolkitGen.Large(7, 10, 80);
        var reporter = new RecordingReporter();

        var files = PolicyExporter.Export(policy, new PolicyExportOptions { Path = Path.Combine(_folder, "deployer.json") }, reporter);

        Assert.True(files.Count > 1);
        Assert.Equal(Enumerable.Range(1, files.Count).Select(i => $"deployer-part{i}.json"), files.Select(f => f.Name));
        Assert.All(files, f => Assert.True(PolicyDocument.Parse(File.ReadAllText(f.FullName)).IamSize <= PolicySizeLimits.Managed));
        Assert.False(File.Exists(Path.Combine(_folder, "deployer.json")));
        var warning = Assert.Single(reporter.Warnings);
        Assert.Contains($"split into {files.Count} policies", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_ShouldProcessDeclined_WritesNothing()
    {
        var reporter = new RecordingReporter { Approve = false };
        var path = Path.Combine(_folder, "p.json");

        var files = PolicyExporter.Export(PolicyDocument.Parse(Sample), new PolicyExportOptions { Path = path }, reporter);

        Assert.Empty(files);
        Assert.False(File.Exists(path));
        Assert.Equal(new[] { path }, reporter.Asked);
    }

    [Fact]
    public void Export_ExistingFile_IsOverwrittenUnlessNoClobber()
    {
        var path = Path.Combine(_folder, "p.json");
        File.WriteAllText(path, "old");

        var ex = Assert.Throws<LeastPrivException>(() => PolicyExporter.Export(PolicyDocument.Parse(Sample), new PolicyExportOptions { Path = path, NoClobber = true }, NullEngineReporter.Instance));
        Assert.Equal("ExportFileExists", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ResourceExists, ex.Category);
        Assert.Equal("old", File.ReadAllText(path));

        PolicyExporter.Export(PolicyDocument.Parse(Sample), new PolicyExportOptions { Path = path }, NullEngineReporter.Instance);
        Assert.Equal(PolicyDocument.Parse(Sample), PolicyDocument.Parse(File.ReadAllText(path)));
    }

    [Fact]
    public void Export_PathIsAFolder_FailsBeforeWriting()
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyExporter.Export(PolicyDocument.Parse(Sample), new PolicyExportOptions { Path = _folder }, NullEngineReporter.Instance));

        Assert.Equal("ExportPathIsDirectory", ex.ErrorId);
        Assert.Equal(_folder, ex.Target);
    }

    [Fact]
    public void Export_MissingFolder_FailsWithoutForceAndIsCreatedWithForce()
    {
        var path = Path.Combine(_folder, "new", "p.tf");
        var options = new PolicyExportOptions { Path = path, Format = LPExportFormat.Terraform };

        var ex = Assert.Throws<LeastPrivException>(() => PolicyExporter.Export(PolicyDocument.Parse(Sample), options, NullEngineReporter.Instance));
        Assert.Equal("ExportFolderNotFound", ex.ErrorId);

        options.Force = true;
        var file = Assert.Single(PolicyExporter.Export(PolicyDocument.Parse(Sample), options, NullEngineReporter.Instance));
        Assert.Equal(path, file.FullName);
        Assert.Single(ExportReader.FromTerraformJsonEncode(File.ReadAllText(path)));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("ÄÖ")]
    public void Plan_InvalidPolicyName_FailsWithPolicyNameInvalid(string name)
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyExporter.Plan(PolicyDocument.Parse(Sample), new PolicyExportOptions { Path = Path.Combine(_folder, "p.json"), PolicyName = name }));

        Assert.Equal("PolicyNameInvalid", ex.ErrorId);
    }

    [Fact]
    public void Plan_UndefinedFormat_FailsWithExportFormatUnknown()
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyExporter.Plan(PolicyDocument.Parse(Sample), new PolicyExportOptions { Path = Path.Combine(_folder, "p.json"), Format = (LPExportFormat)42 }));

        Assert.Equal("ExportFormatUnknown", ex.ErrorId);
    }

    private static List<PolicyDocument> ReadBack(LPExportFormat format, LPCloudFormationFormat cfn, LPTerraformStyle tf, ExportPlan plan) => format switch
    {
        LPExportFormat.Json => plan.Files.Select(f => PolicyDocument.Parse(f.Content)).ToList(),
        LPExportFormat.CloudFormation when cfn == LPCloudFormationFormat.Yaml => ExportReader.FromCloudFormationYaml(plan.Files[0].Content),
        LPExportFormat.CloudFormation => ExportReader.FromCloudFormationJson(plan.Files[0].Content),
        _ when tf == LPTerraformStyle.JsonEncode => ExportReader.FromTerraformJsonEncode(plan.Files[0].Content),
        _ => ExportReader.FromTerraformPolicyDocument(plan.Files[0].Content),
    };

    private sealed class RecordingReporter : IEngineReporter
    {
        public bool Approve { get; init; } = true;

        public List<string> Warnings { get; } = new();

        public List<string> Asked { get; } = new();

        public void Progress(ProgressReport report) { }

        public void Warning(string message) => Warnings.Add(message);

        public void Verbose(string message) { }

        public void Debug(string message) { }

        public void Error(LeastPrivException error) { }

        public bool ShouldProcess(string target, string action)
        {
            Asked.Add(target);
            return Approve;
        }
    }
}
