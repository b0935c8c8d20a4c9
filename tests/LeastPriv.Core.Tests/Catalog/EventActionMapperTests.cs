using LeastPriv.Core.Catalog;
using Xunit;

namespace LeastPriv.Core.Tests.Catalog;

public sealed class EventActionMapperTests
{
    private static EventActionMapper Mapper => EventActionMapper.Default;

    public static TheoryData<string, string, string[]> SingleAndMultiActionCases => new()
    {
        // Names equal to the action (catalog casing comes back).
        { "iam.amazonaws.com", "CreateUser", new[] { "iam:CreateUser" } },
        { "s3.amazonaws.com", "GetObject", new[] { "s3:GetObject" } },
        { "s3.amazonaws.com", "getbucketacl", new[] { "s3:GetBucketAcl" } },
        { "ec2.amazonaws.com", "RunInstances", new[] { "ec2:RunInstances" } },
        { "cloudtrail.amazonaws.com", "LookupEvents", new[] { "cloudtrail:LookupEvents" } },
        { "access-analyzer.amazonaws.com", "StartPolicyGeneration", new[] { "access-analyzer:StartPolicyGeneration" } },
        { "sts.amazonaws.com", "AssumeRole", new[] { "sts:AssumeRole" } },

        // S3 operation names that differ from their action.
        { "s3.amazonaws.com", "HeadObject", new[] { "s3:GetObject" } },
        { "s3.amazonaws.com", "HeadBucket", new[] { "s3:ListBucket" } },
        { "s3.amazonaws.com", "ListObjects", new[] { "s3:ListBucket" } },
        { "s3.amazonaws.com", "ListObjectsV2", new[] { "s3:ListBucket" } },
        { "s3.amazonaws.com", "ListObjectVersions", new[] { "s3:ListBucketVersions" } },
        { "s3.amazonaws.com", "ListBuckets", new[] { "s3:ListAllMyBuckets" } },
        { "s3.amazonaws.com", "GetBucketEncryption", new[] { "s3:GetEncryptionConfiguration" } },
        { "s3.amazonaws.com", "PutBucketEncryption", new[] { "s3:PutEncryptionConfiguration" } },
        { "s3.amazonaws.com", "DeleteBucketEncryption", new[] { "s3:PutEncryptionConfiguration" } },
        { "s3.amazonaws.com", "GetBucketLifecycle", new[] { "s3:GetLifecycleConfiguration" } },
        { "s3.amazonaws.com", "PutBucketLifecycleConfiguration", new[] { "s3:PutLifecycleConfiguration" } },
        { "s3.amazonaws.com", "DeleteBucketLifecycle", new[] { "s3:PutLifecycleConfiguration" } },
        { "s3.amazonaws.com", "GetBucketReplication", new[] { "s3:GetReplicationConfiguration" } },
        { "s3.amazonaws.com", "PutBucketReplication", new[] { "s3:PutReplicationConfiguration" } },
        { "s3.amazonaws.com", "DeleteBucketReplication", new[] { "s3:PutReplicationConfiguration" } },
        { "s3.amazonaws.com", "GetBucketCors", new[] { "s3:GetBucketCORS" } },
        { "s3.amazonaws.com", "CreateMultipartUpload", new[] { "s3:PutObject" } },
        { "s3.amazonaws.com", "UploadPart", new[] { "s3:PutObject" } },
        { "s3.amazonaws.com", "CompleteMultipartUpload", new[] { "s3:PutObject" } },
        { "s3.amazonaws.com", "ListParts", new[] { "s3:ListMultipartUploadParts" } },
        { "s3.amazonaws.com", "DeleteObjects", new[] { "s3:DeleteObject" } },
        { "s3.amazonaws.com", "CopyObject", new[] { "s3:GetObject", "s3:PutObject" } },
        { "s3.amazonaws.com", "GetObjectLockConfiguration", new[] { "s3:GetBucketObjectLockConfiguration" } },
        { "s3.amazonaws.com", "GetBucketPublicAccessBlock", new[] { "s3:GetBucketPublicAccessBlock" } },
        { "s3.amazonaws.com", "DeleteBucketPublicAccessBlock", new[] { "s3:PutBucketPublicAccessBlock" } },

        // Several actions, or another name.
        { "kms.amazonaws.com", "ReEncrypt", new[] { "kms:ReEncryptFrom", "kms:ReEncryptTo" } },
        { "secretsmanager.amazonaws.com", "BatchGetSecretValue", new[] { "secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue" } },
        { "lambda.amazonaws.com", "Invoke", new[] { "lambda:InvokeFunction" } },
        { "dynamodb.amazonaws.com", "TransactGetItems", new[] { "dynamodb:GetItem" } },

        // API version suffixes.
        { "lambda.amazonaws.com", "CreateFunction20150331", new[] { "lambda:CreateFunction" } },
        { "lambda.amazonaws.com", "UpdateFunctionCode20150331v2", new[] { "lambda:UpdateFunctionCode" } },
        { "lambda.amazonaws.com", "ListTags20170331", new[] { "lambda:ListTags" } },
        { "lambda.amazonaws.com", "GetFunctionConfiguration20150331v2", new[] { "lambda:GetFunctionConfiguration" } },
        { "cloudfront.amazonaws.com", "CreateDistribution2020_05_31", new[] { "cloudfront:CreateDistribution" } },
        { "lambda.amazonaws.com", "PublishLayerVersion20181031", new[] { "lambda:PublishLayerVersion" } },

        // eventSource hosts whose IAM prefix differs.
        { "monitoring.amazonaws.com", "PutMetricData", new[] { "cloudwatch:PutMetricData" } },
        { "streams.dynamodb.amazonaws.com", "GetRecords", new[] { "dynamodb:GetRecords" } },
        { "tagging.amazonaws.com", "GetResources", new[] { "tag:GetResources" } },

        // API Gateway management calls are HTTP verbs on the resource path.
        { "apigateway.amazonaws.com", "GetResource", new[] { "apigateway:GET" } },
        { "apigateway.amazonaws.com", "CreateRestApi", new[] { "apigateway:POST" } },
        { "apigateway.amazonaws.com", "UpdateStage", new[] { "apigateway:PATCH" } },
        { "apigateway.amazonaws.com", "DeleteRestApi", new[] { "apigateway:DELETE" } },
        { "apigateway.amazonaws.com", "PutIntegration", new[] { "apigateway:PUT" } },
        { "apigateway.amazonaws.com", "ImportRestApi", new[] { "apigateway:POST" } },
        { "apigateway.amazonaws.com", "ImportApi", new[] { "apigateway:PUT" } },
        { "apigateway.amazonaws.com", "FlushStageCache", new[] { "apigateway:DELETE" } },
        { "apigateway.amazonaws.com", "GetRoutingRule", new[] { "apigateway:GetRoutingRule" } },
    };

    [Theory]
    [MemberData(nameof(SingleAndMultiActionCases))]
    public void Map_KnownCall_ReturnsCatalogActions(string source, string name, string[] expected)
    {
        var mapping = Mapper.Map(source, name);
        Assert.Equal(EventMappingKind.Actions, mapping.Kind);
        Assert.Equal(expected, mapping.Actions);
    }

    [Fact]
    public void Map_S3HeadObject_ReturnsGetObject()
    {
        var mapping = Mapper.Map("s3.amazonaws.com", "HeadObject");
        Assert.Equal(new[] { "s3:GetObject" }, mapping.Actions);
        Assert.Contains("s3:ListBucket", mapping.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sts.amazonaws.com", "GetCallerIdentity")]
    [InlineData("sts.amazonaws.com", "GetSessionToken")]
    [InlineData("dynamodb.amazonaws.com", "DescribeEndpoints")]
    [InlineData("sso-oauth.amazonaws.com", "CreateToken")]
    public void Map_PermissionFreeCall_ReturnsNoPermissionRequired(string source, string name)
    {
        var mapping = Mapper.Map(source, name);
        Assert.Equal(EventMappingKind.NoPermissionRequired, mapping.Kind);
        Assert.Empty(mapping.Actions);
        Assert.False(string.IsNullOrEmpty(mapping.Note));
    }

    [Theory]
    [InlineData("signin.amazonaws.com", "ConsoleLogin")]
    [InlineData("signin.amazonaws.com", "CheckMfa")]
    [InlineData("signin.amazonaws.com", "SwitchRole")]
    [InlineData("ec2.amazonaws.com", "SharedSnapshotVolumeCreated")]
    [InlineData("kms.amazonaws.com", "RotateKey")]
    [InlineData("sso.amazonaws.com", "GetRoleCredentials")]
    public void Map_InternalEvent_ReturnsNotAnActionWithNote(string source, string name)
    {
        var mapping = Mapper.Map(source, name);
        Assert.Equal(EventMappingKind.NotAnAction, mapping.Kind);
        Assert.Empty(mapping.Actions);
        Assert.False(string.IsNullOrEmpty(mapping.Note));
    }

    [Theory]
    [InlineData("s3.amazonaws.com", "FrobnicateBucket")]
    [InlineData("iam.amazonaws.com", "CreateUserX")]
    [InlineData("unknownservice.amazonaws.com", "GetThing")]
    [InlineData("example.com", "GetObject")]
    [InlineData("lambda.amazonaws.com", "NoSuchCall20150331")]
    [InlineData("apigateway.amazonaws.com", "FrobnicateApi")]
    [InlineData("", "GetObject")]
    [InlineData("s3.amazonaws.com", "")]
    [InlineData("dynamodb.amazonaws.com", "ExecuteStatement")]
    [InlineData("dynamodb.amazonaws.com", "TransactWriteItems")]
    public void Map_UnknownCall_ReturnsUnmappedWithoutInventing(string source, string name)
    {
        var mapping = Mapper.Map(source, name);
        Assert.Equal(EventMappingKind.Unmapped, mapping.Kind);
        Assert.Empty(mapping.Actions);
        Assert.False(string.IsNullOrEmpty(mapping.Note));
    }

    [Theory]
    [InlineData("s3.amazonaws.com", "s3")]
    [InlineData("monitoring.amazonaws.com", "cloudwatch")]
    [InlineData("streams.dynamodb.amazonaws.com", "dynamodb")]
    [InlineData("models.lex.amazonaws.com", "lex")]
    [InlineData("runtime.lex.amazonaws.com", "lex")]
    [InlineData("appstream2.amazonaws.com", "appstream")]
    [InlineData("mturk-requester.amazonaws.com", "mechanicalturk")]
    [InlineData("tagging.amazonaws.com", "tag")]
    [InlineData("pinpoint.amazonaws.com", "mobiletargeting")]
    [InlineData("opensearchservice.amazonaws.com", "es")]
    [InlineData("management-marketplace.amazonaws.com", "aws-marketplace-management")]
    [InlineData("api.ecr.amazonaws.com", "ecr")]
    [InlineData("access-analyzer.amazonaws.com", "access-analyzer")]
    [InlineData("ec2.amazonaws.com.cn", "ec2")]
    public void ServicePrefixFor_EventSource_ReturnsIamPrefix(string source, string expected)
    {
        Assert.Equal(expected, Mapper.ServicePrefixFor(source));
    }

    [Theory]
    [InlineData("unknownservice.amazonaws.com")]
    [InlineData("example.com")]
    [InlineData(".amazonaws.com")]
    [InlineData("")]
    public void ServicePrefixFor_UnknownHost_ReturnsNull(string source)
    {
        Assert.Null(Mapper.ServicePrefixFor(source));
    }

    [Fact]
    public void SourcePrefixExceptions_EveryTarget_IsCatalogService()
    {
        var missing = EventMappingRules.SourcePrefixExceptions.Values.Where(p => !IamCatalog.Default.TryGetService(p, out _)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Rules_EveryCuratedRow_ResolvesAgainstCatalog()
    {
        Assert.Empty(Mapper.RejectedRules);
        foreach (var rule in EventMappingRules.All)
        {
            var mapping = Mapper.Map(rule.Prefix + ".amazonaws.com", rule.EventName);
            Assert.Equal(rule.Kind, mapping.Kind);
            foreach (var action in rule.Actions)
            {
                Assert.True(IamCatalog.Default.TryGetAction(action, out var a), $"{rule} names {action}, which is not in the catalog");
                Assert.Contains(a.FullName, mapping.Actions);
            }
        }
    }

    [Fact]
    public void Rules_NotAnActionAndDependsOnRequestRows_DoNotShadowCatalogActions()
    {
        var shadowing = EventMappingRules.All
            .Where(r => r.Kind != EventMappingKind.Actions)
            .Where(r => r.Kind != EventMappingKind.NoPermissionRequired && IamCatalog.Default.TryGetAction(r.Prefix + ":" + r.EventName, out _))
            .ToList();
        Assert.Empty(shadowing);
    }

    [Fact]
    public void Map_CatalogWithoutRuleTargets_DropsRowsInsteadOfInventing()
    {
        // A catalog that only knows s3:GetObject: the CopyObject row (GetObject + PutObject) cannot
        // resolve and must not produce an action the catalog does not have.
        var getObject = new IamAction("s3", "GetObject", IamAccessLevel.Read, Array.Empty<IamActionResource>(), Array.Empty<string>(), Array.Empty<string>());
        var s3 = new IamService("s3", "Amazon S3", Array.Empty<IamResourceType>(), new[] { getObject });
        var mapper = new EventActionMapper(new IamCatalog("test", new DateTime(2026, 1, 1), "test", new[] { s3 }));

        Assert.Contains(mapper.RejectedRules, r => r.StartsWith("s3:CopyObject", StringComparison.Ordinal));
        Assert.Equal(EventMappingKind.Unmapped, mapper.Map("s3.amazonaws.com", "CopyObject").Kind);
        Assert.Equal(new[] { "s3:GetObject" }, mapper.Map("s3.amazonaws.com", "HeadObject").Actions);
        Assert.Equal(EventMappingKind.Unmapped, mapper.Map("s3.amazonaws.com", "PutObject").Kind);
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("iam")]
    [InlineData("ec2")]
    [InlineData("lambda")]
    [InlineData("kms")]
    [InlineData("dynamodb")]
    [InlineData("sts")]
    public void Map_EveryCatalogActionAsEventName_ReturnsCatalogActionsOnly(string prefix)
    {
        // A call named like an action maps to that action unless a curated row says otherwise;
        // either way only catalog actions come back.
        Assert.True(IamCatalog.Default.TryGetService(prefix, out var service));
        var curated = EventMappingRules.All.Where(r => r.Prefix == prefix).Select(r => r.EventName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var action in service.Actions.Values)
        {
            var mapping = Mapper.Map(prefix + ".amazonaws.com", action.Name);
            if (!curated.Contains(action.Name))
            {
                Assert.Equal(new[] { action.FullName }, mapping.Actions);
            }

            Assert.All(mapping.Actions, a => Assert.True(IamCatalog.Default.TryGetAction(a, out _)));
        }
    }

    [Fact]
    public void Map_SamePairTwice_ReturnsCachedInstance()
    {
        var first = Mapper.Map("s3.amazonaws.com", "GetObject");
        var second = Mapper.Map(new string("s3.amazonaws.com".ToCharArray()), new string("GetObject".ToCharArray()));
        Assert.Same(first, second);
    }

    [Fact]
    public void Map_ConcurrentCallers_AgreeOnEveryPair()
    {
        var pairs = SingleAndMultiActionCases.Select(row => ((string)row[0], (string)row[1])).ToArray();
        var results = new EventMapping[64][];
        Parallel.For(0, results.Length, i => results[i] = pairs.Select(p => Mapper.Map(p.Item1, p.Item2)).ToArray());
        for (var j = 0; j < pairs.Length; j++)
        {
            Assert.All(results, r => Assert.Equal(results[0][j].Actions, r[j].Actions));
        }
    }
}
