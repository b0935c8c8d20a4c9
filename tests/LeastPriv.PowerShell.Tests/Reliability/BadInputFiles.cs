using System.IO.Compression;
using System.Text;
using LeastPriv.PowerShell.Tests.Harness;

namespace LeastPriv.PowerShell.Tests.Reliability;

/// <summary>
/// The damaged and hostile files the bad-input tests read, written once into a temporary folder
/// (streamed, never built in memory) and deleted afterwards; with one PowerShell session the
/// rows share (they run one after another).
/// </summary>
public sealed class BadInputFiles : IDisposable
{
    public BadInputFiles()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(System.IO.Path.Combine(Root, "folder.json"));
        File.WriteAllText(Path("good.json"), "{\"Records\":[" + CloudTrailLog.Record(0) + "]}");
        File.WriteAllBytes(Path("empty.json"), []);
        File.WriteAllBytes(Path("empty-policy.json"), []);

        // Gzip magic and header, then bytes that are no deflate stream.
        File.WriteAllBytes(Path("corrupt.json.gz"), [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xDE, 0xAD, 0xBE, 0xEF, 0x13, 0x37, 0x00, 0x01]);

        // A valid .gz cut in half, as a partial download leaves it.
        var whole = CloudTrailLog.Gzip(CloudTrailLog.Log(200));
        File.WriteAllBytes(Path("truncated.json.gz"), whole[..(whole.Length / 2)]);

        // 0xC3 0x28 is not UTF-8: a lead byte followed by a non-continuation byte.
        var record = Encoding.UTF8.GetBytes("{\"Records\":[" + CloudTrailLog.Record(1).Replace("aws-cli/2", "aws-cli/\u0001", StringComparison.Ordinal) + "]}");
        var bad = Array.IndexOf(record, (byte)0x01);
        File.WriteAllBytes(Path("not-utf8.json"), [.. record[..bad], 0xC3, 0x28, .. record[(bad + 1)..]]);
        var policy = Encoding.UTF8.GetBytes(PolicyText.Replace("lp-data", "lp-d\u0001ta", StringComparison.Ordinal));
        var at = Array.IndexOf(policy, (byte)0x01);
        File.WriteAllBytes(Path("not-utf8-policy.json"), [.. policy[..at], 0xFF, .. policy[(at + 1)..]]);

        // Nested 100,000 deep, written piece by piece.
        WriteStreamed(Path("bomb.json"), w =>
        {
            w.Write("{\"Records\":[{\"eventVersion\":\"1.08\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"requestParameters\":");
            for (var i = 0; i < NestingDepth; i++)
            {
                w.Write('[');
            }

            for (var i = 0; i < NestingDepth; i++)
            {
                w.Write(']');
            }

            w.Write("}]}");
        });
        WriteStreamed(Path("bomb-policy.json"), w =>
        {
            w.Write("{\"Version\":\"2012-10-17\",\"Statement\":");
            for (var i = 0; i < NestingDepth; i++)
            {
                w.Write('[');
            }

            for (var i = 0; i < NestingDepth; i++)
            {
                w.Write(']');
            }

            w.Write('}');
        });

        // A "policy" far larger than anything IAM stores (its largest policy is 10,240 characters).
        WriteStreamed(Path("huge-policy.json"), w =>
        {
            w.Write("{\"Version\":\"2012-10-17\",\"Statement\":[");
            for (var i = 0; i < 100_000; i++)
            {
                w.Write(i == 0 ? string.Empty : ",");
                w.Write($"{{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::lp-data-{i:D6}/*\"}}");
            }

            w.Write("]}");
        });
        File.WriteAllText(Path("existing.json"), PolicyText);
    }

    private PowerShellSession? _session;

    public const int NestingDepth = 100_000;

    /// <summary>A valid identity policy.</summary>
    public const string PolicyText = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::lp-data/*\"}]}";

    public string Root { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lp-badinput-" + Guid.NewGuid().ToString("N")[..10]);

    public string Path(string name) => System.IO.Path.Combine(Root, name);

    /// <summary>A PowerShell session with the module imported, opened on first use.</summary>
    public PowerShellSession Session => _session ??= PowerShellSession.Open();

    public void Dispose()
    {
        _session?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void WriteStreamed(string path, Action<StreamWriter> write)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        write(writer);
    }
}

/// <summary>Small, valid CloudTrail log text for the reliability tests.</summary>
public static class CloudTrailLog
{
    public static string Record(int i) =>
        "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\",\"arn\":\"arn:aws:iam::123456789012:user/alice\",\"accountId\":\"123456789012\",\"userName\":\"alice\"},"
        + $"\"eventTime\":\"2026-01-05T10:{i / 60 % 60:D2}:{i % 60:D2}Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"{(i % 2 == 0 ? "GetObject" : "PutObject")}\",\"awsRegion\":\"us-east-1\","
        + "\"sourceIPAddress\":\"192.0.2.1\",\"userAgent\":\"aws-cli/2\","
        + $"\"requestParameters\":{{\"bucketName\":\"lp-data\",\"key\":\"k{i}\"}},\"responseElements\":null,\"requestID\":\"r{i}\",\"eventID\":\"e{i}\",\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"123456789012\"}}";

    public static string Log(int records) => "{\"Records\":[" + string.Join(",", Enumerable.Range(0, records).Select(Record)) + "]}";

    public static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}
