using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Generation;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Reporting;
using LeastPriv.Core.Tests.CloudTrail;
using Xunit;

namespace LeastPriv.Core.Tests.Generation;

/// <summary>
/// The sample workload in examples/logs: the app user "app-orders" writes an order to S3
/// (SSE-KMS, so S3 calls KMS with the user's identity), reads it back, records it in DynamoDB,
/// publishes to SNS, queues a retry in SQS, invokes a Lambda function, deploys a reporter
/// function with its role, is refused ec2:GetPasswordData, and checks its identity. Around it
/// the log also holds a console sign-in, a KMS key rotation, a service-linked role call, Lambda
/// assuming the new role, and the notifier function's own role reading a secret.
/// The expected policies below are written from that description, not from the output.
/// </summary>
public sealed class ExampleWorkloadTests
{
    private static readonly string Logs = Path.Combine(CloudTrailTestKit.RepoRoot, "examples", "logs");

    private static Task<LPGeneratedPolicy> FromLogs(LocalPolicyGeneratorOptions options, string? userName = "app-orders") =>
        LocalPolicyGeneration.FromFilesAsync(
            new[] { Logs },
            new CloudTrailFilter { UserName = userName is null ? null : new[] { userName } },
            options,
            NullEngineReporter.Instance,
            CancellationToken.None);

    [Fact]
    public async Task FromFiles_AppUser_GrantsExactlyWhatTheWorkloadUsed()
    {
        var policy = await FromLogs(new LocalPolicyGeneratorOptions());

        Assert.Equal(
            new[]
            {
                "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
                "iam:GetUser", "iam:PassRole",
                "kms:Decrypt", "kms:GenerateDataKey",
                "lambda:CreateFunction", "lambda:GetFunction", "lambda:InvokeFunction",
                "s3:DeleteObject", "s3:GetBucketLocation", "s3:GetBucketPolicy", "s3:GetObject", "s3:ListBucket", "s3:PutObject",
                "sns:Publish",
                "sqs:SendMessage",
            },
            policy.Actions);
        Assert.Equal(new[] { "dynamodb", "iam", "kms", "lambda", "s3", "sns", "sqs" }, policy.Services);
        Assert.Equal("ec2:GetPasswordData", Assert.Single(policy.DeniedCalls).Action);
        Assert.Equal(new[] { "ConsoleSignIn:1", "NoPermissionRequired:1" }, policy.IgnoredEvents.Select(i => $"{i.Reason}:{i.Count}"));
        Assert.Equal("arn:aws:iam::111122223333:user/app-orders", policy.PrincipalArn);
        Assert.Equal(new[] { "eu-west-1", "us-east-1" }, policy.Regions);
        Assert.Equal(24, policy.EventCount);
        Assert.Equal(21, policy.MatchedEventCount);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 58, 12, TimeSpan.Zero), policy.StartTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 3, 6, TimeSpan.Zero), policy.EndTime);
        Assert.False(policy.IsComplete);
        Assert.Contains(policy.IncompleteReasons, r => r.Contains("ec2:GetPasswordData", StringComparison.Ordinal));
        Assert.Equal(
            new[] { "kms:Decrypt via s3.amazonaws.com (1)", "kms:GenerateDataKey via s3.amazonaws.com (2)" },
            policy.ServiceInvokedActions.Select(s => s.ToString()));
    }

    [Fact]
    public async Task FromFiles_AppUserObservedScope_MatchesTheHandWrittenPolicy()
    {
        var policy = await FromLogs(new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed });

        const string bucket = "arn:aws:s3:::orders-bucket-111122223333";
        const string incoming = bucket + "/incoming/2026/11/20/order-1001.json";
        const string processed = bucket + "/processed/2026/11/20/order-1001.json";
        const string table = "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders";
        // Statements: by service, then resource type, then resource list (a shorter prefix first).
        var expected = PolicyDocument.Parse($$"""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"DynamodbTable1","Effect":"Allow","Action":["dynamodb:DescribeTable","dynamodb:GetItem","dynamodb:PutItem"],"Resource":"{{table}}"},
              {"Sid":"DynamodbTable2","Effect":"Allow","Action":"dynamodb:Query","Resource":["{{table}}","{{table}}/index/by-status"]},
              {"Sid":"IamRole1","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/order-reporter-role"},
              {"Sid":"IamUser1","Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/app-orders"},
              {"Sid":"KmsKeyViaService1","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],
               "Resource":"arn:aws:kms:eu-west-1:111122223333:key/1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
               "Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"} } },
              {"Sid":"LambdaFunction1","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:order-notifier"},
              {"Sid":"LambdaFunction2","Effect":"Allow","Action":["lambda:CreateFunction","lambda:GetFunction"],"Resource":"arn:aws:lambda:eu-west-1:111122223333:function:order-reporter"},
              {"Sid":"S3Bucket1","Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetBucketPolicy","s3:ListBucket"],"Resource":"{{bucket}}"},
              {"Sid":"S3Object1","Effect":"Allow","Action":["s3:DeleteObject","s3:GetObject"],"Resource":"{{incoming}}"},
              {"Sid":"S3Object2","Effect":"Allow","Action":"s3:PutObject","Resource":["{{incoming}}","{{processed}}"]},
              {"Sid":"SnsTopic1","Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:eu-west-1:111122223333:order-events"},
              {"Sid":"SqsQueue1","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:111122223333:order-retries"}]}
            """);

        Assert.Equal(expected.ToJson(indented: true), policy.PolicyDocument.ToJson(indented: true));
    }

    [Fact]
    public async Task FromFiles_PatternScopeGeneralized_KeepsFoldersAndDropsRegionAndAccount()
    {
        var policy = await FromLogs(new LocalPolicyGeneratorOptions
        {
            ResourceScope = ResourceScope.Pattern,
            Generalize = PolicyGeneralization.Region | PolicyGeneralization.Account,
        });

        var resources = policy.PolicyDocument.Statements.SelectMany(s => s.Resource!).ToList();
        Assert.Contains("arn:aws:s3:::orders-bucket-111122223333/incoming/*", resources);
        Assert.Contains("arn:aws:s3:::orders-bucket-111122223333/processed/*", resources);
        Assert.Contains("arn:aws:dynamodb:*:*:table/Orders", resources);
        Assert.Contains("arn:aws:iam::*:role/order-reporter-role", resources);
        Assert.DoesNotContain(resources, r => r.Contains("111122223333:", StringComparison.Ordinal) || r.Contains("eu-west-1", StringComparison.Ordinal));
        var kms = Assert.Single(policy.PolicyDocument.Statements, s => s.Action!.Contains("kms:Decrypt"));
        Assert.Equal(new[] { "s3.*.amazonaws.com" }, kms.Condition.Get("StringLike", "kms:ViaService"));
    }

    [Fact]
    public async Task FromFiles_EveryPrincipal_SortsOutServiceActivityAndKeepsOtherPrincipals()
    {
        var policy = await FromLogs(new LocalPolicyGeneratorOptions(), userName: null);

        Assert.Equal(28, policy.EventCount);
        Assert.Contains("secretsmanager:GetSecretValue", policy.Actions);
        Assert.DoesNotContain("ec2:DescribeInstances", policy.Actions);
        Assert.DoesNotContain("sts:AssumeRole", policy.Actions);
        Assert.Equal(
            new[] { "AwsServiceEvent:1", "AwsServiceIdentity:1", "ConsoleSignIn:1", "NoPermissionRequired:1", "ServiceLinkedRole:1" },
            policy.IgnoredEvents.Select(i => $"{i.Reason}:{i.Count}"));
        Assert.Equal(
            new[] { "arn:aws:iam::111122223333:role/order-notifier-role", "arn:aws:iam::111122223333:user/app-orders" },
            policy.Principals);
        Assert.Null(policy.PrincipalArn);
    }

    [Fact]
    public async Task FromFiles_IncludeDenied_AddsTheActionNamedByTheRefusal()
    {
        var policy = await FromLogs(new LocalPolicyGeneratorOptions { IncludeDenied = true });

        Assert.Contains("ec2:GetPasswordData", policy.Actions);
        Assert.DoesNotContain(policy.IncompleteReasons, r => r.Contains("denied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FromFiles_Records_ReadInAnyOrderAndSplit_GiveIdenticalJson()
    {
        var (records, _, _) = await CloudTrailTestKit.ReadPaths(new[] { Logs }, CloudTrailFilter.All, new CloudTrailReaderOptions { CaptureRequestParameters = true, CaptureResponseElements = true });
        var options = new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope.Observed };
        var generator = new LocalPolicyGenerator(options);
        var reference = generator.Generate(records);

        var random = new Random(20261120);
        for (var round = 0; round < 20; round++)
        {
            var shuffled = records.OrderBy(_ => random.Next()).ToList();
            var parts = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => generator.CreateAccumulator()).ToList();
            foreach (var record in shuffled)
            {
                generator.Add(parts[random.Next(parts.Count)], record);
            }

            var merged = generator.CreateAccumulator();
            foreach (var part in parts.OrderBy(_ => random.Next()))
            {
                merged.MergeFrom(part);
            }

            var policy = generator.Build(merged);
            Assert.Equal(reference.Json, policy.Json);
            Assert.Equal(reference.InferredActions.Select(i => i.Reason), policy.InferredActions.Select(i => i.Reason));
            Assert.Equal(reference.DeniedCalls.Select(d => d.MessageSample), policy.DeniedCalls.Select(d => d.MessageSample));
        }
    }

    [Fact]
    public async Task FromFiles_DamagedFile_IsSkippedAndMakesThePolicyIncomplete()
    {
        var folder = Directory.CreateTempSubdirectory("lp-generator-");
        try
        {
            foreach (var file in Directory.GetFiles(Logs, "*", SearchOption.AllDirectories))
            {
                File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
            }

            File.WriteAllText(Path.Combine(folder.FullName, "111122223333_CloudTrail_eu-west-1_20261120T1020Z_DAMAGED0000000000.json"), """{"Records":[{"eventVersion":"1.11","eventSource":""");
            var reporter = new RecordingReporter();

            var policy = await LocalPolicyGeneration.FromFilesAsync(
                new[] { folder.FullName }, new CloudTrailFilter { UserName = new[] { "app-orders" } }, new LocalPolicyGeneratorOptions { IncludeDenied = true }, reporter, CancellationToken.None);

            Assert.Equal(20, policy.Actions.Length);
            Assert.False(policy.IsComplete);
            Assert.Contains(policy.IncompleteReasons, r => r.Contains("DAMAGED", StringComparison.Ordinal));
            Assert.Contains(reporter.Warnings, w => w.StartsWith("The policy may not allow everything", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Report_PolicyOverTheManagedPolicySize_Warns()
    {
        var reporter = new RecordingReporter();

        LocalPolicyGeneration.Report(new LPGeneratedPolicy { PolicySize = 6145, IsComplete = true }, reporter);
        LocalPolicyGeneration.Report(new LPGeneratedPolicy { PolicySize = 6144, IsComplete = true }, reporter);

        Assert.Contains("6145", Assert.Single(reporter.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromFiles_MissingPath_ThrowsPathNotFoundBeforeReading()
    {
        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => LocalPolicyGeneration.FromFilesAsync(
            new[] { Path.Combine(Logs, "no-such-folder") }, new CloudTrailFilter(), new LocalPolicyGeneratorOptions(), NullEngineReporter.Instance, CancellationToken.None));

        Assert.Equal(CloudTrailErrors.PathNotFound, ex.ErrorId);
    }
}
