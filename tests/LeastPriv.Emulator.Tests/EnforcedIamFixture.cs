using System.Text.Json;
using LeastPriv.Emulator.Testing;

namespace LeastPriv.Emulator.Tests;

/// <summary>
/// moto enforces IAM. The operator sets up a logging trail, a user holding only
/// s3:ListAllMyBuckets and a role holding only iam:ListRoles; each then runs allowed and denied
/// calls through the AWS CLI.
/// </summary>
public sealed class EnforcedIamFixture : EnforcingStandInFixture
{
    public const string TrailBucket = "lp-enforced-trail";
    public const string UserName = "narrow-user";
    public const string RoleName = "lp-reader";
    public const string SessionName = "lp-session";

    public IReadOnlyList<JsonElement> Records { get; private set; } = [];

    public string UserId { get; private set; } = string.Empty;

    public string UserAccessKeyId { get; private set; } = string.Empty;

    public string RoleArn { get; private set; } = string.Empty;

    public string AssumedRoleId { get; private set; } = string.Empty;

    public string SessionAccessKeyId { get; private set; } = string.Empty;

    public AwsCliResult UserListBuckets { get; private set; } = null!;

    public AwsCliResult UserListUsers { get; private set; } = null!;

    public AwsCliResult UserMakeBucket { get; private set; } = null!;

    public AwsCliResult SessionListRoles { get; private set; } = null!;

    public AwsCliResult SessionListBuckets { get; private set; } = null!;

    public AwsCliResult SessionLookup { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var op = OperatorCli();
        async Task<AwsCliResult> Must(params string[] args)
        {
            var result = await op.RunAsync(args);
            return result.Succeeded ? result : throw new InvalidOperationException($"aws {string.Join(' ', args)} failed: {result}");
        }

        await Must("s3", "mb", $"s3://{TrailBucket}");
        await Must("cloudtrail", "create-trail", "--name", "enforced-trail", "--s3-bucket-name", TrailBucket);
        await Must("cloudtrail", "start-logging", "--name", "enforced-trail");

        UserId = (await Must("iam", "create-user", "--user-name", UserName)).Json.GetProperty("User").GetProperty("UserId").GetString()!;
        await Must("iam", "put-user-policy", "--user-name", UserName, "--policy-name", "list-buckets", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}""");
        var key = (await Must("iam", "create-access-key", "--user-name", UserName)).Json.GetProperty("AccessKey");
        UserAccessKeyId = key.GetProperty("AccessKeyId").GetString()!;

        // moto evaluates trust policies literally: an account-root principal does not delegate to the
        // account's users there, so the role trusts the operator user itself.
        RoleArn = (await Must("iam", "create-role", "--role-name", RoleName, "--assume-role-policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{StandIn.Operator.Arn}}"},"Action":"sts:AssumeRole"}]}""")).Json.GetProperty("Role").GetProperty("Arn").GetString()!;
        await Must("iam", "put-role-policy", "--role-name", RoleName, "--policy-name", "read-roles", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","cloudtrail:LookupEvents"],"Resource":"*"}]}""");
        var assumed = (await Must("sts", "assume-role", "--role-arn", RoleArn, "--role-session-name", SessionName)).Json;
        AssumedRoleId = assumed.GetProperty("AssumedRoleUser").GetProperty("AssumedRoleId").GetString()!;
        var session = assumed.GetProperty("Credentials");
        SessionAccessKeyId = session.GetProperty("AccessKeyId").GetString()!;

        using (var user = new AwsCli(StandIn.Endpoint, UserAccessKeyId, key.GetProperty("SecretAccessKey").GetString()!))
        {
            UserListBuckets = await user.RunAsync("s3api", "list-buckets");
            UserListUsers = await user.RunAsync("iam", "list-users");
            UserMakeBucket = await user.RunAsync("s3", "mb", "s3://lp-denied-bucket");
        }

        using (var role = new AwsCli(StandIn.Endpoint, SessionAccessKeyId, session.GetProperty("SecretAccessKey").GetString()!, sessionToken: session.GetProperty("SessionToken").GetString()))
        {
            SessionListRoles = await role.RunAsync("iam", "list-roles");
            SessionListBuckets = await role.RunAsync("s3api", "list-buckets");
            SessionLookup = await role.RunAsync("cloudtrail", "lookup-events", "--lookup-attributes", $"AttributeKey=Username,AttributeValue={SessionName}");
        }

        await StandIn.FlushDeliveryAsync();
        Records = [.. (await StandIn.ReadLogFilesAsync(TrailBucket)).SelectMany(f => f.Records)];
    }
}
