using System.Collections;
using System.Management.Automation;
using System.Text;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Toolkit;

/// <summary>Merge-, Compare-, Test- and Export-LPPolicy driven through real pipelines in a hosted runspace.</summary>
public sealed class PolicyToolkitCmdletTests : IDisposable
{
    private const string Deploy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::app-bucket/*"}]}""";
    private const string Teardown = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::app-bucket/*"},{"Effect":"Allow","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::app-bucket"}]}""";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lp-toolkit-ps-" + Guid.NewGuid().ToString("N"));
    private readonly PowerShellSession _ps;

    public PolicyToolkitCmdletTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "deploy.json"), Deploy);
        File.WriteAllText(Path.Combine(_folder, "teardown.json"), Teardown);
        _ps = PowerShellSession.Open();
        _ps.SetVariable("dir", _folder);
    }

    public void Dispose()
    {
        _ps.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void MergeThenExport_TwoFilesToTerraform_WritesOneResourceWithTheUnion()
    {
        var run = _ps.Run("""
            $a = [System.IO.FileInfo]::new([System.IO.Path]::Combine($dir, 'deploy.json'))
            $b = [System.IO.FileInfo]::new([System.IO.Path]::Combine($dir, 'teardown.json'))
            $a, $b | Merge-LPPolicy | Export-LPPolicy -Path ([System.IO.Path]::Combine($dir, 'iam.tf')) -Format Terraform -PolicyName app-deployer
            """).ThrowIfFailed();

        var file = Assert.IsType<FileInfo>(Assert.Single(run.Output).BaseObject);
        Assert.Equal(Path.Combine(_folder, "iam.tf"), file.FullName);
        var text = File.ReadAllText(file.FullName);
        Assert.StartsWith("resource \"aws_iam_policy\" \"app_deployer\" {", text, StringComparison.Ordinal);
        Assert.Contains("jsonencode(", text, StringComparison.Ordinal);
        foreach (var action in new[] { "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteBucket" })
        {
            Assert.Contains('"' + action + '"', text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MergeLPPolicy_GeneratedOutput_CarriesProvenanceAndComparesEqualToItsExport()
    {
        var run = _ps.Run("""
            $merged = [System.IO.DirectoryInfo]::new($dir).GetFiles('*.json') | Merge-LPPolicy
            $merged
            $file = $merged | Export-LPPolicy -Path ([System.IO.Path]::Combine($dir, 'merged-out.json'))
            Compare-LPPolicy -Reference $merged -Difference $file
            """).ThrowIfFailed();

        var merged = Assert.Single(run.Output);
        Assert.Equal("LeastPriv.LPGeneratedPolicy", merged.BaseObject.GetType().FullName);
        var provenance = Assert.IsAssignableFrom<IEnumerable>(merged.Properties["Provenance"].Value);
        var entries = provenance.Cast<object>().Select(e => (dynamic)e).ToDictionary(e => (string)e.Key, e => (string[])e.Value);
        Assert.Equal(new[] { "teardown.json" }, entries["s3:DeleteBucket"]);
        Assert.Equal(new[] { "deploy.json" }, entries["s3:PutObject"]);
    }

    [Fact]
    public void ExportLPPolicy_WhatIf_WritesNothingAndReturnsNothing()
    {
        var path = Path.Combine(_folder, "whatif.yaml");

        var run = _ps.Run("[System.IO.FileInfo]::new([System.IO.Path]::Combine($dir, 'deploy.json')) | Export-LPPolicy -Path $p -Format CloudFormation -WhatIf", new() { ["p"] = path }).ThrowIfFailed();

        Assert.Empty(run.Output);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ExportLPPolicy_PolicyOverTheManagedLimit_WarnsAndReturnsEveryPart()
    {
        var resources = string.Join(",", Enumerable.Range(0, 700).Select(i => $"\"arn:aws:s3:::bucket-{i:D4}/*\""));
        var big = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Objects\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":[" + resources + "]}]}";

        var run = _ps.Run("Export-LPPolicy -Policy $big -Path ([System.IO.Path]::Combine($dir, 'big.json'))", new() { ["big"] = big }).ThrowIfFailed();

        Assert.True(run.Output.Count > 1);
        var names = run.Objects.Cast<FileInfo>().Select(f => f.Name).ToList();
        Assert.Equal(Enumerable.Range(1, names.Count).Select(i => $"big-part{i}.json"), names);
        var warning = Assert.Single(run.Warnings);
        Assert.Contains($"split into {names.Count} policies", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeLPPolicy_MalformedFile_StopsWithPolicyJsonMalformedNamingTheFile()
    {
        var bad = Path.Combine(_folder, "broken.json");
        File.WriteAllText(bad, "{\"Version\": \"2012-10-17\", \"Statement\": [", Encoding.UTF8);

        var run = _ps.Run("Merge-LPPolicy -Policy ([System.IO.Path]::Combine($dir, 'deploy.json')), $bad", new() { ["bad"] = bad });

        // The merge stops: no partial policy is written out.
        Assert.Empty(run.Output);
        var error = SingleError(run);
        Assert.Equal("PolicyJsonMalformed,LeastPriv.Commands.MergeLPPolicyCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ParserError, error.CategoryInfo.Category);
        Assert.Equal(bad, Assert.IsType<FileInfo>(error.TargetObject).FullName);
    }

    [Fact]
    public void ExportLPPolicy_FolderAsPath_FailsWithExportPathIsDirectory()
    {
        var run = _ps.Run("Export-LPPolicy -Policy ([System.IO.Path]::Combine($dir, 'deploy.json')) -Path $dir");

        var error = SingleError(run);
        Assert.Equal("ExportPathIsDirectory,LeastPriv.Commands.ExportLPPolicyCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(_folder, error.TargetObject);
    }

    [Fact]
    public void ExportLPPolicy_UnknownFormat_IsRefusedByParameterBinding()
    {
        var run = _ps.Run("Export-LPPolicy -Policy ([System.IO.Path]::Combine($dir, 'deploy.json')) -Path ([System.IO.Path]::Combine($dir, 'x.txt')) -Format Xml");

        Assert.Equal("CannotConvertArgumentNoMessage,LeastPriv.Commands.ExportLPPolicyCommand", Assert.Single(run.ErrorIds));
        Assert.False(File.Exists(Path.Combine(_folder, "x.txt")));
    }

    [Fact]
    public void TestLPPolicy_FolderOfFiles_ReportsFindingsPerFileAndErrorsForUnreadableOnes()
    {
        File.WriteAllText(Path.Combine(_folder, "wide.json"), """{"Statement":[{"Effect":"Allow","Action":["s3:*","iam:PassRole","s3:GetObjekt"],"Resource":"*"}]}""");
        File.WriteAllText(Path.Combine(_folder, "zz-broken.json"), "not json");

        var run = _ps.Run("[System.IO.DirectoryInfo]::new($dir).GetFiles('*.json') | Test-LPPolicy");

        var findings = run.Output.Select(o => o.BaseObject).ToList();
        Assert.All(findings, f => Assert.Equal("LeastPriv.LPPolicyFinding", f.GetType().FullName));
        var wide = findings.Cast<dynamic>().Where(f => (string)f.Policy == "wide.json").Select(f => (string)f.Code).ToList();
        Assert.Equal(new[] { "VersionMissing", "ServiceWildcardAction", "UnknownAction", "SensitiveActionOnAnyResource" }.Order(), wide.Order());
        Assert.DoesNotContain(findings.Cast<dynamic>(), f => (string)f.Policy == "deploy.json");
        Assert.Equal("PolicyJsonMalformed,LeastPriv.Commands.TestLPPolicyCommand", Assert.Single(run.ErrorIds));
    }

    [Fact]
    public void CompareLPPolicy_WildcardAgainstAction_ExpandsTheWildcard()
    {
        var run = _ps.Run("""
            Compare-LPPolicy -Reference '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:Get*","Resource":"*"}]}' `
                -Difference '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}' -IncludeEqual
            """).ThrowIfFailed();

        var rows = run.Output.Select(o => ((string)o.Properties["Action"].Value, (string)o.Properties["SideIndicator"].Value)).ToList();
        Assert.Contains(("sts:GetCallerIdentity", "=="), rows);
        Assert.Contains(("sts:GetSessionToken", "<="), rows);
        Assert.DoesNotContain(rows, r => r.Item2 == "=>");
    }

    private static ErrorRecord SingleError(PSRun run) =>
        Assert.Single(run.Errors.Concat(run.TerminatingError is null ? Array.Empty<ErrorRecord>() : new[] { run.TerminatingError }));
}
