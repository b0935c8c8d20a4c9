using System.IO.Compression;
using System.Text.Json;

namespace LeastPriv.Bench;

/// <summary>
/// Writes a realistic CloudTrail tree: the S3 key layout CloudTrail uses, gzipped
/// <c>{"Records":[...]}</c> files of about 1–3 MB uncompressed (one per region per five-minute
/// batch), many principals (IAM users, role sessions, AWS services, service-linked roles),
/// services and regions, management and data events, errors and denied calls.
/// </summary>
internal static class SyntheticTrail
{
    public const string Account = "123456789012";

    private static readonly string[] Regions = { "us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-2", "sa-east-1" };

    // (eventSource, eventName, readOnly, category)
    private static readonly (string Source, string Name, bool ReadOnly, string Category)[] Calls =
    {
        ("s3.amazonaws.com", "GetObject", true, "Data"),
        ("s3.amazonaws.com", "PutObject", false, "Data"),
        ("s3.amazonaws.com", "HeadObject", true, "Data"),
        ("s3.amazonaws.com", "ListObjects", true, "Data"),
        ("s3.amazonaws.com", "GetBucketAcl", true, "Management"),
        ("s3.amazonaws.com", "GetBucketPolicy", true, "Management"),
        ("s3.amazonaws.com", "ListBuckets", true, "Management"),
        ("ec2.amazonaws.com", "DescribeInstances", true, "Management"),
        ("ec2.amazonaws.com", "DescribeVpcs", true, "Management"),
        ("ec2.amazonaws.com", "RunInstances", false, "Management"),
        ("ec2.amazonaws.com", "CreateTags", false, "Management"),
        ("iam.amazonaws.com", "GetRole", true, "Management"),
        ("iam.amazonaws.com", "ListRoles", true, "Management"),
        ("iam.amazonaws.com", "CreateRole", false, "Management"),
        ("sts.amazonaws.com", "AssumeRole", false, "Management"),
        ("sts.amazonaws.com", "GetCallerIdentity", true, "Management"),
        ("kms.amazonaws.com", "Decrypt", true, "Management"),
        ("kms.amazonaws.com", "GenerateDataKey", true, "Management"),
        ("lambda.amazonaws.com", "Invoke", false, "Data"),
        ("lambda.amazonaws.com", "GetFunction20150331v2", true, "Management"),
        ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", false, "Management"),
        ("dynamodb.amazonaws.com", "GetItem", true, "Data"),
        ("dynamodb.amazonaws.com", "PutItem", false, "Data"),
        ("dynamodb.amazonaws.com", "DescribeTable", true, "Management"),
        ("sqs.amazonaws.com", "SendMessage", false, "Data"),
        ("sqs.amazonaws.com", "GetQueueAttributes", true, "Management"),
        ("sns.amazonaws.com", "Publish", false, "Management"),
        ("logs.amazonaws.com", "CreateLogStream", false, "Management"),
        ("logs.amazonaws.com", "DescribeLogGroups", true, "Management"),
        ("monitoring.amazonaws.com", "PutMetricData", false, "Management"),
        ("cloudformation.amazonaws.com", "DescribeStacks", true, "Management"),
        ("secretsmanager.amazonaws.com", "GetSecretValue", true, "Management"),
        ("ssm.amazonaws.com", "GetParameter", true, "Management"),
        ("config.amazonaws.com", "PutEvaluations", false, "Management"),
    };

    public static long Generate(string outputDirectory, long targetUncompressedBytes, int seed, Action<string>? log = null)
    {
        Directory.CreateDirectory(outputDirectory);
        const long approxFileBytes = 2L * 1024 * 1024;
        var fileCount = (int)Math.Max(1, targetUncompressedBytes / approxFileBytes);
        long written = 0;
        var start = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        Parallel.For(0, fileCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var random = new Random(HashCode.Combine(seed, i));
            var region = Regions[i % Regions.Length];
            var batchStart = start.AddMinutes(5 * (i / Regions.Length));
            var path = Path.Combine(
                outputDirectory,
                "AWSLogs",
                Account,
                "CloudTrail",
                region,
                batchStart.ToString("yyyy"),
                batchStart.ToString("MM"),
                batchStart.ToString("dd"),
                $"{Account}_CloudTrail_{region}_{batchStart:yyyyMMdd'T'HHmm}Z_{RandomSuffix(random)}.json.gz");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var bytes = WriteFile(path, region, batchStart, random, (long)(approxFileBytes * (0.5 + random.NextDouble())));
            Interlocked.Add(ref written, bytes);
        });
        log?.Invoke($"wrote {fileCount} files, {written / (1024.0 * 1024):F0} MiB uncompressed");
        return written;
    }

    private static long WriteFile(string path, string region, DateTime batchStart, Random random, long targetBytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        using var counting = new CountingStream(gzip);
        using (var json = new Utf8JsonWriter(counting))
        {
            json.WriteStartObject();
            json.WriteStartArray("Records");
            while (counting.Count < targetBytes)
            {
                WriteRecord(json, region, batchStart.AddSeconds(random.Next(0, 300)), random);
                if (json.BytesPending > 64 * 1024)
                {
                    json.Flush();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return counting.Count;
    }

    private static void WriteRecord(Utf8JsonWriter json, string region, DateTime time, Random random)
    {
        var call = Calls[random.Next(Calls.Length)];
        var isGlobal = call.Source is "iam.amazonaws.com";
        var kind = random.Next(100);
        json.WriteStartObject();
        json.WriteString("eventVersion", "1.11");
        json.WriteStartObject("userIdentity");
        string? invokedBy = null;
        if (kind < 45)
        {
            var user = $"app-user-{random.Next(50):D2}";
            json.WriteString("type", "IAMUser");
            json.WriteString("principalId", $"AIDA{RandomId(random, 17)}");
            json.WriteString("arn", $"arn:aws:iam::{Account}:user/{user}");
            json.WriteString("accountId", Account);
            json.WriteString("accessKeyId", $"AKIA{RandomId(random, 16)}");
            json.WriteString("userName", user);
        }
        else if (kind < 85)
        {
            var role = kind < 80 ? $"workload-role-{random.Next(30):D2}" : "AWSServiceRoleForConfig";
            var session = $"session-{random.Next(1000)}";
            json.WriteString("type", "AssumedRole");
            json.WriteString("principalId", $"AROA{RandomId(random, 17)}:{session}");
            json.WriteString("arn", $"arn:aws:sts::{Account}:assumed-role/{role}/{session}");
            json.WriteString("accountId", Account);
            json.WriteString("accessKeyId", $"ASIA{RandomId(random, 16)}");
            json.WriteStartObject("sessionContext");
            json.WriteStartObject("sessionIssuer");
            json.WriteString("type", "Role");
            json.WriteString("principalId", $"AROA{RandomId(random, 17)}");
            json.WriteString("arn", kind < 80 ? $"arn:aws:iam::{Account}:role/{role}" : $"arn:aws:iam::{Account}:role/aws-service-role/config.amazonaws.com/{role}");
            json.WriteString("accountId", Account);
            json.WriteString("userName", role);
            json.WriteEndObject();
            json.WriteStartObject("attributes");
            json.WriteString("creationDate", time.AddMinutes(-random.Next(60)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
            json.WriteString("mfaAuthenticated", "false");
            json.WriteEndObject();
            json.WriteEndObject();
            if (kind >= 78 && call.Source == "kms.amazonaws.com")
            {
                invokedBy = "s3.amazonaws.com";
                json.WriteString("invokedBy", invokedBy);
            }
        }
        else
        {
            invokedBy = "cloudtrail.amazonaws.com";
            json.WriteString("type", "AWSService");
            json.WriteString("invokedBy", invokedBy);
        }

        json.WriteEndObject();
        json.WriteString("eventTime", time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        json.WriteString("eventSource", call.Source);
        json.WriteString("eventName", call.Name);
        json.WriteString("awsRegion", isGlobal ? "us-east-1" : region);
        json.WriteString("sourceIPAddress", invokedBy ?? $"{random.Next(1, 255)}.{random.Next(255)}.{random.Next(255)}.{random.Next(255)}");
        json.WriteString("userAgent", invokedBy ?? (random.Next(2) == 0 ? "aws-cli/2.17.0 md/awscrt#0.19.19 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8" : "aws-sdk-java/2.25.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10"));
        var error = random.Next(100);
        if (error < 3)
        {
            json.WriteString("errorCode", "AccessDenied");
            json.WriteString("errorMessage", $"User: arn:aws:iam::{Account}:user/x is not authorized to perform: {call.Source.Split('.')[0]}:{call.Name} because no identity-based policy allows the action");
        }
        else if (error < 6)
        {
            json.WriteString("errorCode", "ResourceNotFoundException");
            json.WriteString("errorMessage", "Requested resource not found");
        }

        WriteRequestParameters(json, call.Source, call.Name, region, random);
        json.WriteNull("responseElements");
        if (call.Source == "s3.amazonaws.com")
        {
            json.WriteStartObject("additionalEventData");
            json.WriteString("SignatureVersion", "SigV4");
            json.WriteString("CipherSuite", "TLS_AES_128_GCM_SHA256");
            json.WriteNumber("bytesTransferredIn", 0);
            json.WriteString("AuthenticationMethod", "AuthHeader");
            json.WriteString("x-amz-id-2", RandomId(random, 56));
            json.WriteNumber("bytesTransferredOut", random.Next(100000));
            json.WriteEndObject();
        }

        json.WriteString("requestID", Guid.NewGuid().ToString());
        json.WriteString("eventID", Guid.NewGuid().ToString());
        json.WriteBoolean("readOnly", call.ReadOnly);
        if (call.Category == "Data")
        {
            json.WriteStartArray("resources");
            json.WriteStartObject();
            json.WriteString("type", call.Source == "s3.amazonaws.com" ? "AWS::S3::Object" : "AWS::Lambda::Function");
            json.WriteString("ARN", call.Source == "s3.amazonaws.com" ? $"arn:aws:s3:::bucket-{random.Next(20)}/data/{random.Next(100000)}.json" : $"arn:aws:lambda:{region}:{Account}:function:fn-{random.Next(20)}");
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteString("eventType", "AwsApiCall");
        json.WriteBoolean("managementEvent", call.Category == "Management");
        json.WriteString("recipientAccountId", Account);
        json.WriteString("eventCategory", call.Category);
        json.WriteStartObject("tlsDetails");
        json.WriteString("tlsVersion", "TLSv1.3");
        json.WriteString("cipherSuite", "TLS_AES_128_GCM_SHA256");
        json.WriteString("clientProvidedHostHeader", $"{call.Source.Split('.')[0]}.{region}.amazonaws.com");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteRequestParameters(Utf8JsonWriter json, string source, string name, string region, Random random)
    {
        json.WriteStartObject("requestParameters");
        switch (source)
        {
            case "s3.amazonaws.com":
                json.WriteString("bucketName", $"bucket-{random.Next(20)}");
                json.WriteString("Host", $"bucket-{random.Next(20)}.s3.{region}.amazonaws.com");
                if (name is "GetObject" or "PutObject" or "HeadObject")
                {
                    json.WriteString("key", $"data/{random.Next(100000)}.json");
                }

                break;
            case "lambda.amazonaws.com":
                json.WriteString("functionName", $"arn:aws:lambda:{region}:{Account}:function:fn-{random.Next(20)}");
                break;
            case "dynamodb.amazonaws.com":
                json.WriteString("tableName", $"table-{random.Next(10)}");
                json.WriteStartObject("key");
                json.WriteStartObject("pk");
                json.WriteString("S", RandomId(random, 12));
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case "iam.amazonaws.com":
                json.WriteString("roleName", $"workload-role-{random.Next(30):D2}");
                break;
            case "sts.amazonaws.com":
                json.WriteString("roleArn", $"arn:aws:iam::{Account}:role/workload-role-{random.Next(30):D2}");
                json.WriteString("roleSessionName", $"session-{random.Next(1000)}");
                json.WriteNumber("durationSeconds", 3600);
                break;
            case "kms.amazonaws.com":
                json.WriteString("keyId", $"arn:aws:kms:{region}:{Account}:key/{Guid.NewGuid()}");
                json.WriteString("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
                json.WriteStartObject("encryptionContext");
                json.WriteString("aws:s3:arn", $"arn:aws:s3:::bucket-{random.Next(20)}/data/{random.Next(100000)}.json");
                json.WriteEndObject();
                break;
            case "ec2.amazonaws.com":
                json.WriteStartObject("instancesSet");
                json.WriteStartArray("items");
                json.WriteStartObject();
                json.WriteString("instanceId", $"i-{RandomHex(random, 17)}");
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteStartObject("filterSet");
                json.WriteEndObject();
                break;
            case "sqs.amazonaws.com":
                json.WriteString("queueUrl", $"https://sqs.{region}.amazonaws.com/{Account}/queue-{random.Next(10)}");
                break;
            default:
                json.WriteString("name", $"resource-{random.Next(1000)}");
                break;
        }

        json.WriteEndObject();
    }

    private static string RandomId(Random random, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    private static string RandomHex(Random random, int length) => string.Create(length, random, static (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = "0123456789abcdef"[r.Next(16)];
        }
    });

    private static string RandomSuffix(Random random) => RandomId(random, 16);

    private sealed class CountingStream : Stream
    {
        private readonly Stream _inner;

        public CountingStream(Stream inner) => _inner = inner;

        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _inner.Write(buffer, offset, count);
            Count += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _inner.Write(buffer);
            Count += buffer.Length;
        }
    }
}
