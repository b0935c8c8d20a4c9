using System.IO.Compression;
using System.Text;
using LeastPriv.Core.Catalog;
using Xunit;

namespace LeastPriv.Core.Tests.Catalog;

public sealed class IamCatalogLoaderTests
{
    private const string MinimalCatalog =
        "{\"format\":2,\"version\":\"0.0.202601011\",\"date\":\"2026-01-01\",\"dependentsVersion\":\"0.0.202501011\",\"services\":[" +
        "{\"p\":\"demo\",\"n\":\"Demo Service\",\"ac\":3,\"rc\":1,\"r\":[[\"thing\",\"arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}\",[\"aws:ResourceTag/${TagKey}\"]]]," +
        "\"a\":[[\"GetThing\",1,[[0,1]],[\"demo:Color\"],[\"iam:PassRole\"]],[\"ListThings\",0,[],[],[]],[\"TagThing\",3,[[0,0]],[],[]]]}]}";

    [Fact]
    public void Load_MinimalCatalog_ReadsEveryField()
    {
        var catalog = IamCatalogLoader.Load(Gzip(MinimalCatalog));

        Assert.Equal("0.0.202601011", catalog.DataVersion);
        Assert.Equal(new DateTime(2026, 1, 1), catalog.DataDate);
        Assert.Equal("0.0.202501011", catalog.DependentActionsVersion);
        Assert.True(catalog.TryGetAction("demo:getthing", out var get));
        Assert.Equal("demo:GetThing", get.FullName);
        Assert.Equal(IamAccessLevel.Read, get.AccessLevel);
        var resource = Assert.Single(get.Resources);
        Assert.True(resource.Required);
        Assert.Equal("thing", resource.ResourceType.Name);
        Assert.Equal(new[] { "aws:ResourceTag/${TagKey}" }, resource.ResourceType.ConditionKeys);
        Assert.Equal(new[] { "demo:Color" }, get.ConditionKeys);
        Assert.Equal(new[] { "iam:PassRole" }, get.DependentActions);
        Assert.True(catalog.TryGetAction("demo:TagThing", out var tag));
        Assert.Equal(IamAccessLevel.Tagging, tag.AccessLevel);
        Assert.Equal(new[] { "demo:GetThing", "demo:ListThings", "demo:TagThing" }, catalog.Expand("demo:*").Select(a => a.FullName));
    }

    [Theory]
    [InlineData("{\"format\":9,\"version\":\"v\",\"date\":\"2026-01-01\",\"dependentsVersion\":\"v\",\"services\":[]}")]
    [InlineData("{\"format\":2,\"version\":\"v\",\"date\":\"2026-01-01\",\"services\":[]}")]
    [InlineData("{\"format\":2,\"version\":\"v\",\"date\":\"not a date\",\"dependentsVersion\":\"v\",\"services\":[]}")]
    [InlineData("{\"format\":2,\"version\":\"v\",\"date\":\"2026-01-01\",\"dependentsVersion\":\"v\",\"services\":[{\"p\":\"demo\",\"n\":\"Demo\",\"ac\":1,\"rc\":0,\"r\":[],\"a\":[[\"GetThing\",1,[[5,1]],[],[]]]}]}")]
    [InlineData("{\"format\":2,\"version\":\"v\",\"date\":\"2026-01-01\",\"dependentsVersion\":\"v\",\"services\":[{\"p\":\"demo\",\"n\":\"Demo\",\"ac\":1,\"rc\":0,\"r\":[],\"a\":[[\"GetThing\",9,[],[],[]]]}]}")]
    [InlineData("{\"format\":2,\"version\":\"v\",\"services\":[")]
    [InlineData("[]")]
    [InlineData("{\"format\":2,\"version\":\"v\",\"date\":\"2026-01-01\",\"dependentsVersion\":\"v\",\"services\":[{\"p\":\"demo\",\"n\":\"Demo\",\"ac\":2,\"rc\":0,\"r\":[],\"a\":[[\"GetThing\",1,[],[],[]]]}]}")]
    [InlineData("{\"format\":2,\"version\":\"v\",\"date\":\"2026-01-01\",\"dependentsVersion\":\"v\",\"services\":[{\"p\":\"demo\",\"n\":\"Demo\",\"r\":[],\"a\":[]}]}")]
    public void Load_InvalidData_ThrowsCatalogDataInvalid(string json)
    {
        // Services decode on first use, so a broken service fails when it is looked up.
        var e = Assert.Throws<LeastPrivException>(() => IamCatalogLoader.Load(Gzip(json)).TryGetAction("demo:GetThing", out _));
        Assert.Equal("CatalogDataInvalid", e.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidData, e.Category);
    }

    [Fact]
    public void Load_NotGzip_ThrowsCatalogDataInvalid()
    {
        var e = Assert.Throws<LeastPrivException>(() => IamCatalogLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(MinimalCatalog))));
        Assert.Equal("CatalogDataInvalid", e.ErrorId);
    }

    private static MemoryStream Gzip(string json)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            gzip.Write(bytes, 0, bytes.Length);
        }

        output.Position = 0;
        return output;
    }
}
