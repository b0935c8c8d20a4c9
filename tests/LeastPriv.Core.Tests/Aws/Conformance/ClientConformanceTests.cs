using System.Collections;
using System.Reflection;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Aws.Conformance;

/// <summary>
/// For every operation the IAM, CloudTrail and Access Analyzer clients implement: the request
/// captured on the wire conforms to AWS's service model, and a model-shaped answer is parsed.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class ClientConformanceTests
{
    private const string Doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
    private const string PolicyArn = "arn:aws:iam::123456789012:policy/lp/boundary";
    private const string TrailArn = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/lp-trail";
    private const string UserArn = "arn:aws:iam::123456789012:user/app-discovery";
    private const string RoleArn = "arn:aws:iam::123456789012:role/service-role/AccessAnalyzerMonitorServiceRole";

    // A job id with characters that must be percent-encoded in the path (and twice when signing).
    private const string JobId = "job:1 2";

    private static readonly AwsTag[] Tags = { new("leastpriv:session", "s-1"), new("team", "sec ops") };

    private static readonly Dictionary<string, Case<IIamApi>> IamCases = new()
    {
        ["CreateUser"] = new(async c => await c.CreateUserAsync(new IamCreateUserRequest { UserName = "app-discovery", Path = "/lp/", PermissionsBoundary = PolicyArn, Tags = Tags.ToList() }), "UserName", "UserId", "Arn", "Path", "PermissionsBoundaryArn", "Key", "Value"),
        ["GetUser"] = new(async c => await c.GetUserAsync("app-discovery"), "UserName", "UserId", "Arn", "Path", "PermissionsBoundaryArn", "Key", "Value"),
        ["DeleteUser"] = new(c => Done(c.DeleteUserAsync("app-discovery"))),
        ["TagUser"] = new(c => Done(c.TagUserAsync("app-discovery", Tags))),
        ["ListUserTags"] = new(async c => await c.ListUserTagsAsync("app-discovery"), "Key", "Value"),
        ["CreateAccessKey"] = new(async c => await c.CreateAccessKeyAsync("app-discovery"), "UserName", "AccessKeyId", "SecretAccessKey"),
        ["DeleteAccessKey"] = new(c => Done(c.DeleteAccessKeyAsync("app-discovery", "AKIAIOSFODNN7EXAMPLE"))),
        ["ListAccessKeys"] = new(async c => await c.ListAccessKeysAsync("app-discovery"), "UserName", "AccessKeyId"),
        ["AttachUserPolicy"] = new(c => Done(c.AttachUserPolicyAsync("app-discovery", PolicyArn))),
        ["DetachUserPolicy"] = new(c => Done(c.DetachUserPolicyAsync("app-discovery", PolicyArn))),
        ["ListAttachedUserPolicies"] = new(async c => await c.ListAttachedUserPoliciesAsync("app-discovery", "/lp/"), "PolicyName", "PolicyArn"),
        ["PutUserPolicy"] = new(c => Done(c.PutUserPolicyAsync("app-discovery", "inline", Doc))),
        ["DeleteUserPolicy"] = new(c => Done(c.DeleteUserPolicyAsync("app-discovery", "inline"))),
        ["ListUserPolicies"] = new(async c => await c.ListUserPoliciesAsync("app-discovery"), "PolicyNames"),
        ["PutUserPermissionsBoundary"] = new(c => Done(c.PutUserPermissionsBoundaryAsync("app-discovery", PolicyArn))),
        ["DeleteUserPermissionsBoundary"] = new(c => Done(c.DeleteUserPermissionsBoundaryAsync("app-discovery"))),
        ["CreateRole"] = new(async c => await c.CreateRoleAsync(new IamCreateRoleRequest { RoleName = "lp-role", AssumeRolePolicyDocument = Doc, Path = "/service-role/", Description = "role for tests", MaxSessionDuration = 3600, PermissionsBoundary = PolicyArn, Tags = Tags.ToList() }), "RoleName", "RoleId", "Arn", "AssumeRolePolicyDocument", "Description", "PermissionsBoundaryArn", "Region"),
        ["GetRole"] = new(async c => await c.GetRoleAsync("lp-role"), "RoleName", "RoleId", "Arn", "AssumeRolePolicyDocument", "Description", "Key", "Region"),
        ["DeleteRole"] = new(c => Done(c.DeleteRoleAsync("lp-role"))),
        ["TagRole"] = new(c => Done(c.TagRoleAsync("lp-role", Tags))),
        ["PutRolePolicy"] = new(c => Done(c.PutRolePolicyAsync("lp-role", "inline", Doc))),
        ["DeleteRolePolicy"] = new(c => Done(c.DeleteRolePolicyAsync("lp-role", "inline"))),
        ["ListRolePolicies"] = new(async c => await c.ListRolePoliciesAsync("lp-role"), "PolicyNames"),
        ["AttachRolePolicy"] = new(c => Done(c.AttachRolePolicyAsync("lp-role", PolicyArn))),
        ["DetachRolePolicy"] = new(c => Done(c.DetachRolePolicyAsync("lp-role", PolicyArn))),
        ["ListAttachedRolePolicies"] = new(async c => await c.ListAttachedRolePoliciesAsync("lp-role", "/"), "PolicyName", "PolicyArn"),
        ["ListUsers"] = new(async c => await c.ListUsersAsync("/lp/"), "UserName", "UserId", "Arn", "Path"),
        ["ListRoles"] = new(async c => await c.ListRolesAsync("/lp/"), "RoleName", "RoleId", "Arn", "Path"),
        ["ListRoleTags"] = new(async c => await c.ListRoleTagsAsync("lp-role"), "Key", "Value"),
        ["CreatePolicy"] = new(async c => await c.CreatePolicyAsync(new IamCreatePolicyRequest { PolicyName = "lp-policy", PolicyDocument = Doc, Path = "/lp/", Description = "generated", Tags = Tags.ToList() }), "PolicyName", "PolicyId", "Arn", "DefaultVersionId", "Description", "Key"),
        ["DeletePolicy"] = new(c => Done(c.DeletePolicyAsync(PolicyArn))),
        ["GetUserPolicy"] = new(async c => await c.GetUserPolicyAsync("app-discovery", "inline"), "UserName", "PolicyName", "PolicyDocument"),
        ["GetRolePolicy"] = new(async c => await c.GetRolePolicyAsync("lp-role", "inline"), "RoleName", "PolicyName", "PolicyDocument"),
        ["GetGroupPolicy"] = new(async c => await c.GetGroupPolicyAsync("lp-group", "inline"), "GroupName", "PolicyName", "PolicyDocument"),
        ["GetPolicy"] = new(async c => await c.GetPolicyAsync(PolicyArn), "PolicyName", "PolicyId", "Arn", "DefaultVersionId", "Description", "Key"),
        ["GetPolicyVersion"] = new(async c => await c.GetPolicyVersionAsync(PolicyArn, "v2"), "Document", "VersionId") { ExpectsTimestamp = true },
        ["ListGroupsForUser"] = new(async c => await c.ListGroupsForUserAsync("app-discovery"), "GroupName", "GroupId", "Arn", "Path") { ExpectsTimestamp = true },
        ["ListGroupPolicies"] = new(async c => await c.ListGroupPoliciesAsync("lp-group"), "PolicyNames"),
        ["ListAttachedGroupPolicies"] = new(async c => await c.ListAttachedGroupPoliciesAsync("lp-group", "/lp/"), "PolicyName", "PolicyArn"),
    };

    private static readonly Dictionary<string, Case<ICloudTrailApi>> CloudTrailCases = new()
    {
        ["CreateTrail"] = new(async c => await c.CreateTrailAsync(new CloudTrailCreateTrailRequest { Name = "lp-trail", S3BucketName = "lp-bucket", S3KeyPrefix = "logs", IncludeGlobalServiceEvents = true, IsMultiRegionTrail = true, EnableLogFileValidation = true, TagsList = Tags.ToList() }), "Name", "S3BucketName", "S3KeyPrefix", "TrailARN", "KmsKeyId"),
        ["DeleteTrail"] = new(c => Done(c.DeleteTrailAsync(TrailArn))),
        ["GetTrail"] = new(async c => await c.GetTrailAsync("lp-trail"), "Name", "HomeRegion", "TrailARN", "S3BucketName"),
        ["DescribeTrails"] = new(async c => await c.DescribeTrailsAsync(new[] { "lp-trail", TrailArn }, includeShadowTrails: false), "Name", "HomeRegion", "TrailARN"),
        ["StartLogging"] = new(c => Done(c.StartLoggingAsync("lp-trail"))),
        ["StopLogging"] = new(c => Done(c.StopLoggingAsync("lp-trail"))),
        ["GetTrailStatus"] = new(async c => await c.GetTrailStatusAsync("lp-trail"), "LatestDeliveryError") { ExpectsTimestamp = true },
        ["PutEventSelectors"] = new(
            async c => await c.PutEventSelectorsAsync("lp-trail", new[]
            {
                new CloudTrailEventSelector
                {
                    ReadWriteType = "All",
                    IncludeManagementEvents = true,
                    DataResources = { new CloudTrailDataResource { Type = "AWS::S3::Object", Values = { "arn:aws:s3:::lp-bucket/" } } },
                    ExcludeManagementEventSources = { "kms.amazonaws.com" },
                },
            }),
            "TrailARN", "Type", "Values", "ExcludeManagementEventSources", "Name", "Field", "Equals", "NotEndsWith"),
        ["GetEventSelectors"] = new(async c => await c.GetEventSelectorsAsync("lp-trail"), "TrailARN", "Type", "Values", "Name", "Field", "StartsWith"),
        ["AddTags"] = new(c => Done(c.AddTagsAsync(TrailArn, Tags))),
        ["ListTags"] = new(async c => await c.ListTagsAsync(TrailArn), "Key", "Value"),
        ["LookupEvents"] = new(
            async c =>
            {
                var events = new List<CloudTrailLookupEvent>();
                await foreach (var e in c.LookupEventsAsync(new CloudTrailLookupRequest
                {
                    AttributeKey = "Username",
                    AttributeValue = "app-discovery",
                    StartTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
                    EndTime = new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero),
                    MaxResults = 50,
                }))
                {
                    events.Add(e);
                }

                return events;
            },
            "EventId", "EventName", "ReadOnly", "AccessKeyId", "EventSource", "Username", "ResourceType", "ResourceName", "CloudTrailEvent") { ExpectsTimestamp = true },
    };

    private static readonly Dictionary<string, Case<IAccessAnalyzerApi>> AccessAnalyzerCases = new()
    {
        ["StartPolicyGeneration"] = new(
            async c => await c.StartPolicyGenerationAsync(new AccessAnalyzerStartPolicyGenerationRequest
            {
                PrincipalArn = UserArn,
                AccessRole = RoleArn,
                Trails = { new AccessAnalyzerTrail { CloudTrailArn = TrailArn, Regions = { "eu-west-1", "us-east-1" }, AllRegions = false } },
                StartTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
                EndTime = new DateTimeOffset(2024, 1, 2, 12, 30, 0, TimeSpan.Zero),
            }),
            "jobId"),
        ["GetGeneratedPolicy"] = new(async c => await c.GetGeneratedPolicyAsync(JobId, includeResourcePlaceholders: true, includeServiceLevelTemplate: false), "jobId", "principalArn", "cloudTrailArn", "policy", "message") { ExpectsTimestamp = true },
        ["ListPolicyGenerations"] = new(async c => await c.ListPolicyGenerationsAsync(UserArn), "jobId", "principalArn") { ExpectsTimestamp = true },
        ["CancelPolicyGeneration"] = new(c => Done(c.CancelPolicyGenerationAsync(JobId))),
        ["ValidatePolicy"] = new(async c => await c.ValidatePolicyAsync(new AccessAnalyzerValidatePolicyRequest { PolicyDocument = Doc, PolicyType = "RESOURCE_POLICY", Locale = "EN", ValidatePolicyResourceType = "AWS::S3::Bucket" }), "findingDetails", "issueCode", "learnMoreLink"),
        ["CheckNoNewAccess"] = new(async c => await c.CheckNoNewAccessAsync(Doc, Doc, "IDENTITY_POLICY"), "message", "description", "statementId"),
        ["CheckAccessNotGranted"] = new(async c => await c.CheckAccessNotGrantedAsync(Doc, new[] { "iam:PassRole", "s3:DeleteBucket" }, new[] { "arn:aws:s3:::lp-bucket" }, "IDENTITY_POLICY"), "message", "description", "statementId"),
    };

    public static IEnumerable<object[]> IamOperations => IamCases.Keys.Select(k => new object[] { k });

    public static IEnumerable<object[]> CloudTrailOperations => CloudTrailCases.Keys.Select(k => new object[] { k });

    public static IEnumerable<object[]> AccessAnalyzerOperations => AccessAnalyzerCases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(IamOperations))]
    public Task IamOperation_WireRequestAndAnswer_ConformToModel(string operation)
        => RunAsync(ServiceModel.Load("iam", "2010-05-08"), operation, IamCases[operation], ctx => ctx.CreateIamClient());

    [Theory]
    [MemberData(nameof(CloudTrailOperations))]
    public Task CloudTrailOperation_WireRequestAndAnswer_ConformToModel(string operation)
        => RunAsync(ServiceModel.Load("cloudtrail", "2013-11-01"), operation, CloudTrailCases[operation], ctx => ctx.CreateCloudTrailClient());

    [Theory]
    [MemberData(nameof(AccessAnalyzerOperations))]
    public Task AccessAnalyzerOperation_WireRequestAndAnswer_ConformToModel(string operation)
        => RunAsync(ServiceModel.Load("accessanalyzer", "2019-11-01"), operation, AccessAnalyzerCases[operation], ctx => ctx.CreateAccessAnalyzerClient());

    [Theory]
    [InlineData(typeof(IIamApi))]
    [InlineData(typeof(ICloudTrailApi))]
    [InlineData(typeof(IAccessAnalyzerApi))]
    public void ConformanceTable_CoversEveryInterfaceMethod(Type api)
    {
        var operations = api.GetMethods().Select(m => m.Name.Replace("Async", string.Empty, StringComparison.Ordinal)).OrderBy(n => n).ToList();
        IEnumerable<string> keys = api == typeof(IIamApi) ? IamCases.Keys : api == typeof(ICloudTrailApi) ? CloudTrailCases.Keys : AccessAnalyzerCases.Keys;
        var covered = keys.OrderBy(n => n).ToList();

        Assert.Equal(operations, covered);
    }

    [Fact]
    public async Task CancelPolicyGeneration_JobIdWithReservedCharacters_EncodedOnceInPath()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => new ScriptedResponse(200, "{}", "application/json"));
        var ctx = AwsTestContext.For(server.Url);

        await ctx.CreateAccessAnalyzerClient().CancelPolicyGenerationAsync(JobId);

        var request = Assert.Single(server.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/policy/generation/job%3A1%202", request.Path);
        Assert.Equal("0", request.Header("Content-Length"));
        Assert.Empty(request.Body);
    }

    private static async Task RunAsync<TApi>(ServiceModel model, string operation, Case<TApi> testCase, Func<AwsContext, TApi> create)
    {
        using var env = new EnvironmentScope();
        var answer = ModelResponseGenerator.Generate(model, operation);
        using var server = new LoopbackServer(_ => new ScriptedResponse(200, answer, model.Protocol == "query" ? "text/xml" : "application/json"));
        var ctx = AwsTestContext.For(server.Url, sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN");

        var result = await testCase.Invoke(create(ctx));

        var request = Assert.Single(server.Requests);
        var problems = ModelRequestValidator.Validate(model, operation, request);
        Assert.True(problems.Count == 0, $"{operation} does not conform to the model:\n  " + string.Join("\n  ", problems) + "\nbody: " + request.BodyText + "\nurl: " + request.RawUrl);

        // Every request is SigV4-signed for the service's signing name, with the session token signed.
        var auth = request.Header("Authorization") ?? string.Empty;
        var signingName = model.Metadata.TryGetProperty("signingName", out var sn) ? sn.GetString() : model.Metadata.GetProperty("endpointPrefix").GetString();
        Assert.Matches($@"^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/\d{{8}}/[a-z0-9-]+/{signingName}/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{{64}}$", auth);
        Assert.Contains("x-amz-security-token", auth);
        Assert.Equal("FwoGZXIvYXdzEXAMPLETOKEN", request.Header("X-Amz-Security-Token"));

        var values = new HashSet<object>();
        Collect(result, values);
        foreach (var member in testCase.ExpectedMembers)
        {
            Assert.True(values.Contains(ModelResponseGenerator.StringValue(member)), $"{operation}: the answer's {member} was not read (values read: {string.Join(", ", values)})");
        }

        if (testCase.ExpectsTimestamp)
        {
            Assert.Contains(values, v => v is DateTimeOffset d && Math.Abs((d - ModelResponseGenerator.Timestamp).TotalSeconds) < 1);
        }
    }

    private static void Collect(object? value, HashSet<object> into)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                into.Add(s);
                return;
            case DateTimeOffset or bool or int:
                into.Add(value);
                return;
            case IEnumerable items:
                foreach (var item in items)
                {
                    Collect(item, into);
                }

                return;
        }

        if (value.GetType().Namespace != typeof(AwsContext).Namespace)
        {
            return;
        }

        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Collect(p.GetValue(value), into);
        }
    }

    private static async Task<object?> Done(Task task)
    {
        await task;
        return null;
    }

    private sealed class Case<TApi>
    {
        public Case(Func<TApi, Task<object?>> invoke, params string[] expectedMembers)
        {
            Invoke = invoke;
            ExpectedMembers = expectedMembers;
        }

        public Func<TApi, Task<object?>> Invoke { get; }

        public string[] ExpectedMembers { get; }

        public bool ExpectsTimestamp { get; init; }
    }
}
