using System.Text.Json;
using LeastPriv.Emulator.Testing;

namespace LeastPriv.Emulator.Tests;

/// <summary>
/// Runs one AWS CLI workload through the stand-in (as the operator) and keeps what was delivered:
/// three trails (management events with a key prefix, S3 data events only, never started), then
/// S3 and IAM work, a failing call and STS.
/// </summary>
public sealed class CliWorkloadFixture : StandInFixture
{
    public const string ManagementBucket = "lp-trail-mgmt";
    public const string DataBucket = "lp-trail-data";
    public const string IdleBucket = "lp-trail-idle";
    public const string WorkBucket = "lp-work";
    public const string ObjectKey = "docs/hello world.txt";
    public const string RoleName = "lp-app-role";
    public const string KeyPrefix = "audit";

    public IReadOnlyList<LogFileContent> ManagementFiles { get; private set; } = [];

    public IReadOnlyList<LogFileContent> DataFiles { get; private set; } = [];

    public IReadOnlyList<LogFileContent> IdleFiles { get; private set; } = [];

    public IReadOnlyList<JsonElement> ManagementRecords => [.. ManagementFiles.SelectMany(f => f.Records)];

    public IReadOnlyList<JsonElement> DataRecords => [.. DataFiles.SelectMany(f => f.Records)];

    public AwsCli Cli { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Cli = OperatorCli();
        var file = Path.Combine(Path.GetTempPath(), "lp-hello-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
        await File.WriteAllTextAsync(file, "hello from the workload\n");
        try
        {
            string[][] setup =
            [
                ["s3", "mb", $"s3://{ManagementBucket}"],
                ["s3", "mb", $"s3://{DataBucket}"],
                ["s3", "mb", $"s3://{IdleBucket}"],
                ["cloudtrail", "create-trail", "--name", "mgmt-trail", "--s3-bucket-name", ManagementBucket, "--s3-key-prefix", KeyPrefix],
                ["cloudtrail", "create-trail", "--name", "data-trail", "--s3-bucket-name", DataBucket],
                ["cloudtrail", "put-event-selectors", "--trail-name", "data-trail", "--event-selectors",
                    $$"""[{"ReadWriteType":"All","IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::{{WorkBucket}}/"]}]}]"""],
                ["cloudtrail", "create-trail", "--name", "idle-trail", "--s3-bucket-name", IdleBucket],
                ["cloudtrail", "start-logging", "--name", "mgmt-trail"],
                ["cloudtrail", "start-logging", "--name", "data-trail"],
                ["s3", "mb", $"s3://{WorkBucket}"],
                ["s3", "cp", file, $"s3://{WorkBucket}/{ObjectKey}"],
                ["s3", "ls", $"s3://{WorkBucket}/docs/"],
                ["s3", "rm", $"s3://{WorkBucket}/{ObjectKey}"],
                ["iam", "create-role", "--role-name", RoleName, "--assume-role-policy-document",
                    """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"""],
                ["iam", "get-role", "--role-name", RoleName],
                ["iam", "delete-role", "--role-name", RoleName],
                ["sts", "get-caller-identity"],
            ];
            foreach (var command in setup)
            {
                var result = await Cli.RunAsync(command);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"aws {string.Join(' ', command)} failed: {result}");
                }
            }

            // Expected to fail: the role is gone.
            GetDeletedRole = await Cli.RunAsync("iam", "get-role", "--role-name", RoleName);
        }
        finally
        {
            File.Delete(file);
        }

        await StandIn.FlushDeliveryAsync();
        ManagementFiles = await StandIn.ReadLogFilesAsync(ManagementBucket);
        DataFiles = await StandIn.ReadLogFilesAsync(DataBucket);
        IdleFiles = await StandIn.ReadLogFilesAsync(IdleBucket);
    }

    public AwsCliResult GetDeletedRole { get; private set; } = null!;

    public override async Task DisposeAsync()
    {
        Cli?.Dispose();
        await base.DisposeAsync();
    }
}
