using LeastPriv.Core.Policy;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class LPPolicyInputTests : IDisposable
{
    private const string Json = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lp-input-" + Guid.NewGuid().ToString("N"));

    public LPPolicyInputTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Resolve_EveryForm_GivesTheSamePolicy()
    {
        var path = Path.Combine(_folder, "deploy.json");
        File.WriteAllText(path, Json);
        var expected = PolicyDocument.Parse(Json);

        var inputs = new[]
        {
            new LPPolicyInput(Json),
            new LPPolicyInput(path),
            new LPPolicyInput(new FileInfo(path)),
            new LPPolicyInput(expected),
            new LPPolicyInput((object)new GeneratedLike { PolicyDocument = expected, Source = "CloudTrail" }),
            new LPPolicyInput((object)path),
        };

        Assert.All(inputs, i => Assert.Equal(expected, i.Resolve()));
        Assert.Equal(new[] { "json", "deploy.json", "deploy.json", "policy", "CloudTrail", "deploy.json" }, inputs.Select(i => i.Label));
    }

    [Fact]
    public void Resolve_MalformedFile_FailsWithPolicyJsonMalformedTargetingTheFile()
    {
        var path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, "{\"Version\": \"2012-10-17\", \"Statement\": [");

        var ex = Assert.Throws<LeastPrivException>(() => new LPPolicyInput(path).Resolve());

        Assert.Equal("PolicyJsonMalformed", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ParserError, ex.Category);
        Assert.Equal(path, Assert.IsType<FileInfo>(ex.Target).FullName);
        Assert.Contains("bad.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FolderOrMissingFile_FailsWithATypedError()
    {
        Assert.Equal("PolicyPathIsDirectory", Assert.Throws<LeastPrivException>(() => new LPPolicyInput(_folder).Resolve()).ErrorId);
        Assert.Equal("PolicyFileNotFound", Assert.Throws<LeastPrivException>(() => new LPPolicyInput(Path.Combine(_folder, "none.json")).Resolve()).ErrorId);
    }

    [Fact]
    public void Constructor_UnrelatedObject_FailsWithPolicyInputUnsupported()
    {
        var ex = Assert.Throws<LeastPrivException>(() => new LPPolicyInput((object)42));

        Assert.Equal("PolicyInputUnsupported", ex.ErrorId);
    }

    private sealed class GeneratedLike
    {
        public PolicyDocument PolicyDocument { get; set; } = new();

        public string Source { get; set; } = string.Empty;
    }
}
