using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

public sealed class CloudTrailFileSetTests
{
    [Fact]
    public void Resolve_Folder_WalksRecursivelyKeepsLogFilesAndSkipsDigests()
    {
        using var folder = new TempFolder();
        var record = FixtureBytes("single-record.json");
        var expected = new[]
        {
            folder.Write("AWSLogs/111122223333/CloudTrail/eu-west-1/2025/03/01/a.json.gz", Gzip(record)),
            folder.Write("AWSLogs/111122223333/CloudTrail/eu-west-1/2025/03/01/b.json", record),
            folder.Write("AWSLogs/111122223333/CloudTrail/us-east-1/c.gz", Gzip(record)),
            folder.Write("exports/d.jsonl", record),
        };
        folder.Write("AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2025/03/01/digest.json.gz", Gzip(record));
        folder.Write("notes/readme.txt", record);
        folder.Write("e.json.bak", record);

        var set = CloudTrailFileSet.Resolve(new[] { folder.Path });

        Assert.Equal(expected.OrderBy(p => p, StringComparer.Ordinal), set.Files);
        Assert.Equal(1, set.DigestFilesSkipped);
    }

    [Fact]
    public void Resolve_FileNamedDirectly_IsReadWhateverItsExtension()
    {
        using var folder = new TempFolder();
        var file = folder.Write("download.txt", FixtureBytes("single-record.json"));

        Assert.Equal(new[] { file }, CloudTrailFileSet.Resolve(new[] { file }).Files);
    }

    [Fact]
    public void Resolve_Wildcard_MatchesLogFilesInTheFolder()
    {
        using var folder = new TempFolder();
        var a = folder.Write("2025-a.json", FixtureBytes("single-record.json"));
        var b = folder.Write("2025-b.json.gz", Gzip(FixtureBytes("single-record.json")));
        folder.Write("2024-c.json", FixtureBytes("single-record.json"));

        var set = CloudTrailFileSet.Resolve(new[] { Path.Combine(folder.Path, "2025-*") });

        Assert.Equal(new[] { a, b }, set.Files);
    }

    [Fact]
    public void Resolve_RelativePathsAndDuplicates_AreResolvedOnceAgainstTheBase()
    {
        using var folder = new TempFolder();
        var a = folder.Write("x/a.json", FixtureBytes("single-record.json"));

        var set = CloudTrailFileSet.Resolve(new[] { "x", "x/a.json", Path.Combine(folder.Path, "x", "a.json") }, basePath: folder.Path);

        Assert.Equal(new[] { a }, set.Files);
    }

    [Theory]
    [InlineData("missing-folder", false)]
    [InlineData("missing-*.json", false)]
    [InlineData("logs*", true)]
    public void Resolve_PathThatDoesNotExist_ThrowsPathNotFound(string relative, bool literal)
    {
        using var folder = new TempFolder();
        folder.Write("logs1/a.json", FixtureBytes("single-record.json"));

        var error = Assert.Throws<LeastPrivException>(() => CloudTrailFileSet.Resolve(new[] { relative }, literal, folder.Path));

        Assert.Equal("CloudTrailPathNotFound", error.ErrorId);
        Assert.Equal(LPErrorCategory.ObjectNotFound, error.Category);
        Assert.Equal(relative, error.Target);
    }
}
