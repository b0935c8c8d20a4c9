using LeastPriv.Core.Catalog;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Generation;
using LeastPriv.Core.Policy;
using Xunit;
using static LeastPriv.Core.Tests.Generation.TestRecords;

namespace LeastPriv.Core.Tests.Generation;

/// <summary>What the local generator grants, leaves out and reports, one behaviour per test.</summary>
public sealed class LocalPolicyGeneratorTests
{
    private const string Bucket = "arn:aws:s3:::orders";
    private const string Object = "arn:aws:s3:::orders/in/a.json";
    private const string Key = "arn:aws:kms:eu-west-1:111122223333:key/1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d";
    private const string Role = "arn:aws:iam::111122223333:role/service/reporter-role";

    private static LPGeneratedPolicy Generate(LocalPolicyGeneratorOptions options, params CloudTrailRecord[] records) =>
        new LocalPolicyGenerator(options).Generate(records);

    private static LPGeneratedPolicy Generate(params CloudTrailRecord[] records) => Generate(new LocalPolicyGeneratorOptions(), records);

    private static PolicyStatement StatementWith(LPGeneratedPolicy policy, string action) =>
        Assert.Single(policy.PolicyDocument.Statements, s => s.Action!.Contains(action, StringComparer.OrdinalIgnoreCase));

    private static CloudTrailRecord S3(string name, string key = "in/a.json") =>
        Call("s3.amazonaws.com", name, $$"""{"bucketName":"orders","Host":"orders.s3.eu-west-1.amazonaws.com","key":"{{key}}"}""",
            category: "Data", resources: new[] { ("AWS::S3::Object", $"{Bucket}/{key}"), ("AWS::S3::Bucket", Bucket) });

    [Fact]
    public void Generate_S3HeadObject_GrantsGetObject()
    {
        var policy = Generate(S3("HeadObject"));

        Assert.Equal(new[] { "s3:GetObject" }, policy.Actions);
        Assert.Equal(new[] { "*" }, StatementWith(policy, "s3:GetObject").Resource);
        Assert.Equal(1, policy.MatchedEventCount);
        Assert.True(policy.IsComplete, string.Join(" ", policy.IncompleteReasons));
    }

    [Fact]
    public void Generate_S3DataEvents_AreGrantedLikeManagementEvents()
    {
        var policy = Generate(S3("GetObject"), S3("PutObject"), S3("DeleteObject"));

        Assert.Equal(new[] { "s3:DeleteObject", "s3:GetObject", "s3:PutObject" }, policy.Actions);
        Assert.Equal(new[] { "s3" }, policy.Services);
    }

    [Fact]
    public void Generate_LambdaCreateFunctionWithRole_InfersPassRoleOnThatRole()
    {
        var create = Call("lambda.amazonaws.com", "CreateFunction20150331",
            $$"""{"functionName":"reporter","runtime":"python3.12","role":"{{Role}}","handler":"app.handler"}""", readOnly: false);

        var policy = Generate(create);

        Assert.Contains("lambda:CreateFunction", policy.Actions);
        Assert.Contains("iam:PassRole", policy.Actions);
        Assert.Equal(new[] { Role }, StatementWith(policy, "iam:PassRole").Resource);
        var inferred = Assert.Single(policy.InferredActions);
        Assert.Equal("iam:PassRole", inferred.Action);
        Assert.True(inferred.Granted);
        Assert.Contains("lambda:CreateFunction", inferred.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_AssumeRoleNamingARole_DoesNotInferPassRole()
    {
        var assume = Call("sts.amazonaws.com", "AssumeRole", $$"""{"roleArn":"{{Role}}","roleSessionName":"s"}""", readOnly: false);

        var policy = Generate(assume);

        Assert.Equal(new[] { "sts:AssumeRole" }, policy.Actions);
        Assert.Empty(policy.InferredActions);
    }

    [Fact]
    public void Generate_CreateFunctionWithoutRequestText_IsIncompleteNotSilentlyNarrower()
    {
        var create = Call("lambda.amazonaws.com", "CreateFunction20150331", request: null, readOnly: false);

        var policy = Generate(create);

        Assert.Equal(new[] { "lambda:CreateFunction" }, policy.Actions);
        Assert.False(policy.IsComplete);
        Assert.Contains(policy.IncompleteReasons, r => r.Contains("iam:PassRole could not be inferred", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_InferPassRoleOff_GrantsNoPassRole()
    {
        var create = Call("lambda.amazonaws.com", "CreateFunction20150331", $$"""{"functionName":"f","role":"{{Role}}"}""", readOnly: false);

        var policy = Generate(new LocalPolicyGeneratorOptions { InferPassRole = false }, create);

        Assert.DoesNotContain("iam:PassRole", policy.Actions);
    }

    [Fact]
    public void Generate_RunInstancesWithInstanceProfile_ReportsTheProfileAsAHintNotAGrant()
    {
        var run = Call("ec2.amazonaws.com", "RunInstances",
            """{"instancesSet":{"items":[{"imageId":"ami-0abc","minCount":1,"maxCount":1}]},"iamInstanceProfile":{"name":"web-profile"}}""", readOnly: false);

        var policy = Generate(run);

        Assert.DoesNotContain("iam:PassRole", policy.Actions);
        var hint = Assert.Single(policy.InferredActions);
        Assert.False(hint.Granted);
        Assert.Equal(new[] { "web-profile" }, hint.Resources);
        Assert.False(policy.IsComplete);
        Assert.Contains(policy.IncompleteReasons, r => r.Contains("web-profile", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_RolesPassedWithMaskedArns_AreReportedNotGrantedAndPolicyIncomplete()
    {
        // Published logs mask account ids and ARN parts with "***"; the roles passed are then unknown.
        var options = new CloudTrailReaderOptions { CaptureRequestParameters = true };
        var (records, _, reporter) = CloudTrail.CloudTrailTestKit.ReadBytes(CloudTrail.CloudTrailTestKit.FixtureBytes("masked-account-ids.json"), options: options);
        Assert.Empty(reporter.Errors);

        var policy = Generate(records.ToArray());

        Assert.Equal(new[] { "ecs:RegisterTaskDefinition", "lambda:CreateFunction", "sts:AssumeRole" }, policy.Actions);
        Assert.All(policy.InferredActions, hint =>
        {
            Assert.Equal("iam:PassRole", hint.Action);
            Assert.False(hint.Granted);
        });
        Assert.Equal(
            new[] { "arn***/web-task", "arn:aws:iam::444***:role/ecsTaskExecutionRole", "arn:aws:iam::444***:role/thumbnailer-exec" },
            policy.InferredActions.SelectMany(h => h.Resources).OrderBy(r => r, StringComparer.Ordinal));
        Assert.Contains(policy.InferredActions, h => h.Reason.Contains("lambda:CreateFunction", StringComparison.Ordinal));
        Assert.False(policy.IsComplete);
        Assert.Contains(policy.IncompleteReasons, r => r.Contains("arn:aws:iam::444***:role/thumbnailer-exec", StringComparison.Ordinal) && r.Contains("masked", StringComparison.Ordinal));
        // The role named by AssumeRole is its subject, not a role handed to a service.
        Assert.DoesNotContain(policy.IncompleteReasons, r => r.Contains("role/Reader", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_MaskedRoleBesideAReadableOne_GrantsPassRoleOnTheReadableOneOnly()
    {
        var register = Call("ecs.amazonaws.com", "RegisterTaskDefinition",
            $$"""{"family":"web","taskRoleArn":"arn:aws:iam::111***:role/task","executionRoleArn":"{{Role}}"}""", readOnly: false);

        var policy = Generate(register);

        Assert.Equal(new[] { Role }, StatementWith(policy, "iam:PassRole").Resource);
        Assert.DoesNotContain(policy.PolicyDocument.Statements.SelectMany(st => st.Resource ?? Array.Empty<string>()), r => r.Contains("***", StringComparison.Ordinal));
        Assert.Single(policy.InferredActions, h => h.Granted && h.Resources.SequenceEqual(new[] { Role }));
        Assert.Single(policy.InferredActions, h => !h.Granted && h.Resources.SequenceEqual(new[] { "arn:aws:iam::111***:role/task" }));
        Assert.False(policy.IsComplete);
    }

    [Fact]
    public void Generate_KmsDecryptInvokedByS3_AddsViaServiceCondition()
    {
        var decrypt = Call("kms.amazonaws.com", "Decrypt", """{"encryptionAlgorithm":"SYMMETRIC_DEFAULT"}""",
            identity: ViaService("s3.amazonaws.com"), readOnly: true, resources: ("AWS::KMS::Key", Key));

        var policy = Generate(decrypt);

        var statement = StatementWith(policy, "kms:Decrypt");
        Assert.Equal(new[] { "s3.eu-west-1.amazonaws.com" }, statement.Condition.Get("StringEquals", "kms:ViaService"));
        var via = Assert.Single(policy.ServiceInvokedActions);
        Assert.Equal("s3.amazonaws.com", via.InvokedBy);
        Assert.Equal("s3.eu-west-1.amazonaws.com", via.ViaServiceCondition);
    }

    [Fact]
    public void Generate_KmsDecryptViaS3WithGeneralizedRegion_UsesStringLike()
    {
        var decrypt = Call("kms.amazonaws.com", "Decrypt", null, identity: ViaService("s3.amazonaws.com"), resources: ("AWS::KMS::Key", Key));

        var policy = Generate(new LocalPolicyGeneratorOptions { Generalize = PolicyGeneralization.Region }, decrypt);

        Assert.Equal(new[] { "s3.*.amazonaws.com" }, StatementWith(policy, "kms:Decrypt").Condition.Get("StringLike", "kms:ViaService"));
    }

    [Fact]
    public void Generate_KmsDecryptDirectAndViaS3_GrantsWithoutCondition()
    {
        var via = Call("kms.amazonaws.com", "Decrypt", null, identity: ViaService("s3.amazonaws.com"), resources: ("AWS::KMS::Key", Key));
        var direct = Call("kms.amazonaws.com", "Decrypt", null, resources: ("AWS::KMS::Key", Key));

        var policy = Generate(via, direct);

        Assert.True(StatementWith(policy, "kms:Decrypt").Condition.IsEmpty);
    }

    [Fact]
    public void Generate_ServiceInvokedActionWithoutViaServiceKey_IsGrantedPlainAndListed()
    {
        // CloudFormation without a service role creates resources with the caller's identity.
        var create = Call("s3.amazonaws.com", "CreateBucket", """{"bucketName":"stack-bucket"}""", identity: ViaService("cloudformation.amazonaws.com"));

        var policy = Generate(create);

        Assert.True(StatementWith(policy, "s3:CreateBucket").Condition.IsEmpty);
        var listed = Assert.Single(policy.ServiceInvokedActions);
        Assert.Equal("cloudformation.amazonaws.com", listed.InvokedBy);
        Assert.Null(listed.ViaServiceCondition);
    }

    [Fact]
    public void Generate_DeniedCall_ExcludedUnlessIncludeDenied()
    {
        var denied = Call("ec2.amazonaws.com", "GetPasswordData", """{"instanceId":"i-0a1b2c3d"}""",
            errorCode: "Client.UnauthorizedOperation",
            errorMessage: "You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/app is not authorized to perform: ec2:GetPasswordData on resource: arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d because no identity-based policy allows the ec2:GetPasswordData action");

        var without = Generate(denied);
        var with = Generate(new LocalPolicyGeneratorOptions { IncludeDenied = true }, denied);

        Assert.Empty(without.Actions);
        var call = Assert.Single(without.DeniedCalls);
        Assert.Equal("ec2:GetPasswordData", call.Action);
        Assert.Equal(1, call.Count);
        Assert.False(call.Granted);
        Assert.False(without.IsComplete);
        Assert.Equal(new[] { "ec2:GetPasswordData" }, with.Actions);
        Assert.True(Assert.Single(with.DeniedCalls).Granted);
    }

    [Fact]
    public void Generate_DeniedCallWhoseMessageNamesAnotherAction_UsesTheNamedAction()
    {
        // S3 ListObjectsV2 is authorised as s3:ListBucket; the message says so.
        var denied = Call("s3.amazonaws.com", "ListObjects", """{"bucketName":"orders"}""", errorCode: "AccessDenied",
            errorMessage: "User: arn:aws:iam::111122223333:user/app is not authorized to perform: s3:listbucket on resource: \"arn:aws:s3:::orders\" because no identity-based policy allows the s3:ListBucket action");

        var policy = Generate(denied);

        Assert.Equal("s3:ListBucket", Assert.Single(policy.DeniedCalls).Action);
    }

    [Fact]
    public void Generate_DeniedCallWithoutActionInMessage_UsesTheMappedAction()
    {
        var denied = Call("dynamodb.amazonaws.com", "PutItem", """{"tableName":"Orders"}""", errorCode: "AccessDeniedException", errorMessage: "Access denied");

        var policy = Generate(denied);

        Assert.Equal("dynamodb:PutItem", Assert.Single(policy.DeniedCalls).Action);
    }

    [Fact]
    public void Generate_DeniedSamples_TakeTheEarliestCallWhateverTheOrder()
    {
        var early = Call("dynamodb.amazonaws.com", "PutItem", null, errorCode: "AccessDeniedException", errorMessage: "first", time: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var late = Call("dynamodb.amazonaws.com", "PutItem", null, errorCode: "AccessDeniedException", errorMessage: "second", time: new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal("first", Assert.Single(Generate(late, early).DeniedCalls).MessageSample);
        Assert.Equal(2, Assert.Single(Generate(early, late).DeniedCalls).Count);
    }

    [Fact]
    public void Generate_AuthorisedCallThatFailed_CountsAsUsed()
    {
        var failed = Call("s3.amazonaws.com", "GetBucketPolicy", """{"bucketName":"orders","policy":""}""", errorCode: "NoSuchBucketPolicy", errorMessage: "The bucket policy does not exist");

        var policy = Generate(failed);

        Assert.Equal(new[] { "s3:GetBucketPolicy" }, policy.Actions);
        Assert.Empty(policy.DeniedCalls);
    }

    [Fact]
    public void Generate_ServiceLinkedRoleEvents_NotGranted()
    {
        var slr = RoleSession("AWSServiceRoleForAutoScaling", "AutoScaling", "/aws-service-role/autoscaling.amazonaws.com/");
        slr.InvokedBy = "autoscaling.amazonaws.com";

        var policy = Generate(Call("ec2.amazonaws.com", "DescribeInstances", null, identity: slr));

        Assert.Empty(policy.Actions);
        Assert.Equal("ServiceLinkedRole", Assert.Single(policy.IgnoredEvents).Reason);
        Assert.Empty(policy.Principals);
    }

    [Fact]
    public void Generate_AwsServiceEventsConsoleSignInAndServiceIdentity_NotGranted()
    {
        var serviceEvent = Call("kms.amazonaws.com", "RotateKey", null, identity: new UserIdentity { AccountId = Account, InvokedBy = "kms.amazonaws.com" }, eventType: "AwsServiceEvent");
        var signIn = Call("signin.amazonaws.com", "ConsoleLogin", null, region: "us-east-1", eventType: "AwsConsoleSignIn");
        var service = Call("sts.amazonaws.com", "AssumeRole", $$"""{"roleArn":"{{Role}}"}""", identity: new UserIdentity { Type = "AWSService", InvokedBy = "lambda.amazonaws.com" });

        var policy = Generate(serviceEvent, signIn, service);

        Assert.Empty(policy.Actions);
        Assert.Empty(policy.InferredActions);
        Assert.Equal(
            new[] { "AwsServiceEvent:1", "AwsServiceIdentity:1", "ConsoleSignIn:1" },
            policy.IgnoredEvents.Select(i => $"{i.Reason}:{i.Count}"));
        Assert.Equal(3, policy.EventCount);
        Assert.Equal(0, policy.MatchedEventCount);
    }

    [Fact]
    public void Generate_GetCallerIdentity_CountedAsNoPermissionRequired()
    {
        var policy = Generate(Call("sts.amazonaws.com", "GetCallerIdentity", null), S3("GetObject"));

        Assert.Equal(new[] { "s3:GetObject" }, policy.Actions);
        Assert.Equal("NoPermissionRequired", Assert.Single(policy.IgnoredEvents).Reason);
    }

    [Fact]
    public void Generate_UnmappedEvent_ListedByNameAndPolicyIncomplete()
    {
        var policy = Generate(Call("madeup.amazonaws.com", "DoTheThing", null), Call("madeup.amazonaws.com", "DoTheThing", null));

        Assert.Empty(policy.Actions);
        var unmapped = Assert.Single(policy.UnmappedEvents);
        Assert.Equal("madeup.amazonaws.com:DoTheThing", unmapped.Name);
        Assert.Equal(2, unmapped.Count);
        Assert.False(policy.IsComplete);
        Assert.Contains(policy.IncompleteReasons, r => r.Contains("madeup.amazonaws.com:DoTheThing", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_NoEvents_IsIncompleteAndGrantsNothing()
    {
        var policy = Generate();

        Assert.Empty(policy.PolicyDocument.Statements);
        Assert.False(policy.IsComplete);
    }

    [Fact]
    public void Generate_ObservedScope_PutsEachArnOnlyOnActionsOfItsResourceType()
    {
        var list = Call("s3.amazonaws.com", "ListBuckets", null);
        var listObjects = Call("s3.amazonaws.com", "ListObjects", """{"bucketName":"orders","list-type":"2"}""", resources: ("AWS::S3::Bucket", Bucket));

        var policy = Generate(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed }, S3("GetObject"), listObjects, list);

        Assert.Equal(new[] { Object }, StatementWith(policy, "s3:GetObject").Resource);
        Assert.Equal(new[] { Bucket }, StatementWith(policy, "s3:ListBucket").Resource);
        Assert.Equal(new[] { "*" }, StatementWith(policy, "s3:ListAllMyBuckets").Resource);
        Assert.Equal("Observed", policy.ResourceScope);
    }

    [Fact]
    public void Generate_ObservedScope_SqsQueueUrl_BecomesQueueArn()
    {
        var send = Call("sqs.amazonaws.com", "SendMessage", """{"queueUrl":"https://sqs.eu-west-1.amazonaws.com/111122223333/jobs","messageBody":"x"}""", category: "Data");

        var policy = Generate(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed }, send);

        Assert.Equal(new[] { "arn:aws:sqs:eu-west-1:111122223333:jobs" }, StatementWith(policy, "sqs:SendMessage").Resource);
    }

    [Fact]
    public void Generate_ObservedScope_OneCallWithoutResource_FallsBackToStar()
    {
        // Scoping to the one table seen would deny the call whose table the log did not show.
        var withTable = Call("dynamodb.amazonaws.com", "GetItem", """{"tableName":"Orders"}""");
        var withoutTable = Call("dynamodb.amazonaws.com", "GetItem", null);

        var policy = Generate(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed }, withTable, withoutTable);

        Assert.Equal(new[] { "*" }, StatementWith(policy, "dynamodb:GetItem").Resource);
    }

    [Fact]
    public void Generate_ObservedScope_ActionWithSeveralRequiredResourceTypes_StaysOnStar()
    {
        var catalogAction = IamCatalog.Default.TryGetAction("ec2:RunInstances", out var runInstances) ? runInstances : null;
        Assert.NotNull(catalogAction);
        Assert.True(catalogAction!.Resources.Count(r => r.Required) > 1);
        var run = Call("ec2.amazonaws.com", "RunInstances", """{"instancesSet":{"items":[{"imageId":"ami-0abc"}]}}""",
            resources: ("AWS::EC2::Instance", "arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d"));

        var policy = Generate(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed }, run);

        Assert.Equal(new[] { "*" }, StatementWith(policy, "ec2:RunInstances").Resource);
    }

    [Fact]
    public void Generate_ObservedScope_LogGroup_CoversItsStreamsToo()
    {
        var create = Call("logs.amazonaws.com", "CreateLogGroup", """{"logGroupName":"/app/orders"}""");

        var policy = Generate(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed }, create);

        Assert.Equal(
            new[] { "arn:aws:logs:eu-west-1:111122223333:log-group:/app/orders", "arn:aws:logs:eu-west-1:111122223333:log-group:/app/orders:*" },
            StatementWith(policy, "logs:CreateLogGroup").Resource);
    }

    [Fact]
    public void Generate_ObservedScope_StreamCall_IsScopedToTheStream()
    {
        var create = Call("logs.amazonaws.com", "CreateLogStream", """{"logGroupName":"/app/orders","logStreamName":"s1"}""");

        var policy = Generate(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed }, create);

        Assert.Equal(new[] { "arn:aws:logs:eu-west-1:111122223333:log-group:/app/orders:log-stream:s1" }, StatementWith(policy, "logs:CreateLogStream").Resource);
    }

    [Fact]
    public void Generate_ObservedScope_QueryOnAnIndex_GrantsTableAndIndex()
    {
        var query = Call("dynamodb.amazonaws.com", "Query", """{"tableName":"Orders","indexName":"by-status"}""", category: "Data",
            resources: ("AWS::DynamoDB::Table", "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders"));

        var policy = Generate(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed }, query);

        Assert.Equal(
            new[] { "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders", "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders/index/by-status" },
            StatementWith(policy, "dynamodb:Query").Resource);
    }

    [Fact]
    public void Generate_PatternScope_GeneratedSuffixesAndRegionAccount_AreGeneralized()
    {
        var invoke = Call("lambda.amazonaws.com", "Invoke", """{"functionName":"arn:aws:lambda:eu-west-1:111122223333:function:OrdersStack-Handler-1X2Y3Z4A5B6C"}""", category: "Data");
        var options = new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Pattern, Generalize = PolicyGeneralization.Region | PolicyGeneralization.Account };

        var policy = Generate(options, invoke);

        Assert.Equal(new[] { "arn:aws:lambda:*:*:function:OrdersStack-Handler-*" }, StatementWith(policy, "lambda:InvokeFunction").Resource);
    }

    [Fact]
    public void Generate_GeneralizeAccount_AppliesToPassRoleToo()
    {
        var create = Call("lambda.amazonaws.com", "CreateFunction20150331", $$"""{"functionName":"f","role":"{{Role}}"}""", readOnly: false);

        var policy = Generate(new LocalPolicyGeneratorOptions { Generalize = PolicyGeneralization.Account }, create);

        Assert.Equal(new[] { "arn:aws:iam::*:role/service/reporter-role" }, StatementWith(policy, "iam:PassRole").Resource);
    }

    [Fact]
    public void Generate_IncludeDependentActions_AddsTheCatalogDependentsAsInferred()
    {
        var (action, dependents) = FirstActionWithDependents();
        var eventName = action.Name;
        var record = Call(action.ServicePrefix + ".amazonaws.com", eventName, null);
        var mapped = EventActionMapper.Default.Map(record.EventSource, record.EventName);
        Assert.Equal(new[] { action.FullName }, mapped.Actions);

        var without = Generate(record);
        var with = Generate(new LocalPolicyGeneratorOptions { IncludeDependentActions = true }, record);

        Assert.Equal(new[] { action.FullName }, without.Actions);
        foreach (var dependent in dependents)
        {
            Assert.Contains(dependent, with.Actions, StringComparer.OrdinalIgnoreCase);
            Assert.Contains(with.InferredActions, i => string.Equals(i.Action, dependent, StringComparison.OrdinalIgnoreCase) && i.Reason.Contains(action.FullName, StringComparison.Ordinal));
        }
    }

    private static (IamAction Action, string[] Dependents) FirstActionWithDependents()
    {
        // An action whose event name maps to itself and whose dependents do not include PassRole.
        foreach (var service in IamCatalog.Default.Services.Where(s => s.Prefix is "logs" or "sqs" or "sns" or "dynamodb" or "kms" or "s3" or "ec2"))
        {
            foreach (var action in service.Actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                var dependents = action.DependentActions.Where(d => !d.Equals("iam:PassRole", StringComparison.OrdinalIgnoreCase)).ToArray();
                if (dependents.Length > 0 && action.DependentActions.Count == dependents.Length
                    && EventActionMapper.Default.Map(service.Prefix + ".amazonaws.com", action.Name).Actions.SequenceEqual(new[] { action.FullName }))
                {
                    return (action, dependents);
                }
            }
        }

        throw new InvalidOperationException("The catalog has no dependent actions for the sampled services.");
    }

    [Fact]
    public void Generate_Statements_AreValidIamJsonWithUniqueAlphanumericSids()
    {
        var policy = Generate(
            new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed },
            S3("GetObject"),
            S3("PutObject", "out/b.json"),
            Call("kms.amazonaws.com", "Decrypt", null, identity: ViaService("s3.amazonaws.com"), resources: ("AWS::KMS::Key", Key)),
            Call("lambda.amazonaws.com", "CreateFunction20150331", $$"""{"functionName":"f","role":"{{Role}}"}""", readOnly: false),
            Call("s3.amazonaws.com", "ListBuckets", null));

        var sids = policy.PolicyDocument.Statements.Select(s => s.Sid!).ToList();
        Assert.Equal(sids.Count, sids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(sids, sid => Assert.Matches("^[A-Za-z0-9]+$", sid));
        Assert.Equal(policy.PolicyDocument, PolicyDocument.Parse(policy.Json));
        Assert.Equal(policy.PolicyDocument.IamSize, policy.PolicySize);
        Assert.Equal(policy.Actions.OrderBy(a => a, StringComparer.OrdinalIgnoreCase), policy.Actions);
        Assert.Contains("S3Object1", sids);
    }
}
