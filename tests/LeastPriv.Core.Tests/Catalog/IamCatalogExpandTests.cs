using LeastPriv.Core.Catalog;
using Xunit;

namespace LeastPriv.Core.Tests.Catalog;

public sealed class IamCatalogExpandTests
{
    private static IamCatalog Catalog => IamCatalog.Default;

    [Fact]
    public void Expand_S3GetStar_ReturnsOnlySortedS3GetActions()
    {
        var actions = Catalog.Expand("s3:Get*");

        Assert.Contains(actions, a => a.FullName == "s3:GetObject");
        Assert.Contains(actions, a => a.FullName == "s3:GetBucketPolicy");
        Assert.All(actions, a =>
        {
            Assert.Equal("s3", a.ServicePrefix);
            Assert.StartsWith("Get", a.Name, StringComparison.Ordinal);
        });
        var expected = Catalog.Services.Single(s => s.Prefix == "s3").Actions.Values.Count(a => a.Name.StartsWith("Get", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(expected, actions.Count);
        Assert.Equal(actions.Select(a => a.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase), actions.Select(a => a.Name));
    }

    [Fact]
    public void Expand_Star_ReturnsWholeCatalog()
    {
        Assert.Equal(Catalog.ActionCount, Catalog.Expand("*").Count);
    }

    [Fact]
    public void Expand_ServiceStar_ReturnsEveryActionOfService()
    {
        Assert.True(Catalog.TryGetService("sts", out var sts));
        Assert.Equal(sts.Actions.Count, Catalog.Expand("sts:*").Count);
    }

    [Theory]
    [InlineData("s3:getobject", new[] { "s3:GetObject" })]
    [InlineData("s3:GetObjec?", new[] { "s3:GetObject" })]
    [InlineData("sts:Get*Token", new[] { "sts:GetDelegatedAccessToken", "sts:GetFederationToken", "sts:GetServiceBearerToken", "sts:GetSessionToken", "sts:GetWebIdentityToken" })]
    [InlineData("kms:ReEncrypt*", new[] { "kms:ReEncryptFrom", "kms:ReEncryptTo" })]
    [InlineData("s3:NoSuch*", new string[0])]
    [InlineData("nosuchservice:*", new string[0])]
    public void Expand_Pattern_ReturnsExactlyMatchingActions(string pattern, string[] expected)
    {
        Assert.Equal(expected, Catalog.Expand(pattern).Select(a => a.FullName));
    }

    [Fact]
    public void Expand_WildcardInPrefix_SpansServices()
    {
        var actions = Catalog.Expand("s3*:ListAllMy*");
        Assert.Contains(actions, a => a.FullName == "s3:ListAllMyBuckets");
        Assert.Contains(actions, a => a.FullName == "s3express:ListAllMyDirectoryBuckets");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("s3")]
    [InlineData("s3:")]
    [InlineData(":Get*")]
    [InlineData("s3:Get:Object")]
    public void Expand_MalformedPattern_ThrowsActionPatternInvalid(string pattern)
    {
        var e = Assert.Throws<LeastPrivException>(() => Catalog.Expand(pattern));
        Assert.Equal("ActionPatternInvalid", e.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, e.Category);
        Assert.Equal(pattern, e.Target);
    }
}
