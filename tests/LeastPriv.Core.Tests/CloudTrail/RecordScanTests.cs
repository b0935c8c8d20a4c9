using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

/// <summary>
/// The structural scan of record arrays and the principal prefilter: they must find the same
/// records, with the same counts and errors, as tokenizing everything does.
/// </summary>
public sealed class RecordScanTests
{
    private static readonly CloudTrailFilter AliceFilter = new() { UserName = new[] { "alice" }, IncludeErrors = true };

    private static readonly string[] Users = { "alice", "Alice", "bob", "app-user-07", "carol+ops", "ALICE2" };

    private static readonly CloudTrailFilter[] Filters =
    {
        new() { UserName = new[] { "alice" }, IncludeErrors = true },
        new() { UserName = new[] { "app-user-07", "bob" }, IncludeErrors = true },
        new() { UserName = new[] { "carol+ops" } },
        new() { PrincipalArn = "arn:aws:iam::111122223333:user/ALICE", IncludeErrors = true },
        new() { PrincipalArn = "arn:aws:iam::111122223333:role/deployer", IncludeErrors = true },
        new() { PrincipalArn = "arn:aws:iam::111122223333:root", IncludeErrors = true },
    };

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"a\":\"}\"}")]
    [InlineData("{\"a\":\"\\\"}{\"}")]
    [InlineData("{\"a\\\\\":{\"b\":[{},{\"c\":\"\\\\\"}]}}")]
    [InlineData("{\"s\":\"ends with a backslash, longer than one vector \\\\\",\"t\":\"{{{{ \\\" }\"}")]
    public void ObjectLength_BracesQuotesAndEscapesInStrings_FindsTheClosingBrace(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var bytes = Encoding.UTF8.GetBytes(json + ",{\"next\":\"}\"}]}");

        foreach (var kernels in BothKernels())
        {
            Assert.Equal(json.Length, kernels.ObjectLength(bytes, out var hasBackslash));
            Assert.Equal(json.Contains('\\'), hasBackslash);
        }
    }

    [Fact]
    public void ObjectLength_EveryCutBeforeTheEnd_IsIncomplete()
    {
        var json = Encoding.UTF8.GetBytes(Record("alice", "{\"policy\":\"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\"}]} \\\\\",\"x\":\"é}\"}", 1));

        foreach (var kernels in BothKernels())
        {
            Assert.Equal(json.Length, kernels.ObjectLength(json, out _));
            for (var cut = 1; cut < json.Length; cut++)
            {
                Assert.Equal(-1, kernels.ObjectLength(json.AsSpan(0, cut), out _));
            }
        }
    }

    [Fact]
    public void ObjectLength_AnySerializedObject_EndsWhereTheSerializerEnded()
    {
        Gen.Select(Gen.String[Gen.Char["{}[]\"\\/:,aé \n\u0001"], 0, 80].Array[1, 6], Gen.Bool, Gen.Bool).Sample(t =>
        {
            var (values, indented, relaxed) = t;
            var node = new JsonObject();
            for (var i = 0; i < values.Length; i++)
            {
                node[values[i] + i] = i % 2 == 0 ? JsonValue.Create(values[i]) : new JsonObject { ["inner"] = new JsonArray(values[i], new JsonObject()) };
            }

            var text = Serialize(node, indented, relaxed);
            var bytes = Encoding.UTF8.GetBytes(text + " ,{\"b\":\"}\"}");

            foreach (var kernels in BothKernels())
            {
                Assert.Equal(Encoding.UTF8.GetByteCount(text), kernels.ObjectLength(bytes, out _));
            }
        }, iter: 2000);
    }

    [Theory]
    [InlineData("\\u0061lice", true)]
    [InlineData("\\u0061lic\\u0065", true)]
    [InlineData("\\u0041LICE", true)]
    [InlineData("al\\u0069ce", true)]
    [InlineData("ALICE", true)]
    [InlineData("alic\\u00e9", false)]
    [InlineData("bob", false)]
    public void ReadStream_UserNameSpelledWithEscapes_MatchesLikeTheUnescapedName(string rawName, bool matches)
    {
        var json = "{\"Records\":[" + Record("bob", null, 1) + "," + Record(rawName, null, 2) + "," + Record("carol", null, 3) + "]}";

        foreach (var kernels in BothKernels())
        {
            var (scanned, scannedResult, scannedReporter) = ReadBytes(Encoding.UTF8.GetBytes(json), AliceFilter, Scan(kernels: kernels));

            Assert.Empty(scannedReporter.Errors);
            Assert.Equal(3, scannedResult.RecordsRead);
            Assert.Equal(matches ? new[] { "event-0002" } : Array.Empty<string>(), scanned.Select(r => r.EventId));
        }
    }

    [Theory]
    [InlineData("alice", "bob", "{\"agent\":\"java\\u002B7 \\\" \\\\u0061\"}", false)]
    [InlineData("alice", "bob", "{\"agent\":\"\\u0061\"}", true)]
    [InlineData("alice", "bob", "{\"agent\":\"\\u004C\"}", true)]
    [InlineData("alice", "bob", "{\"agent\":\"a\\/b\"}", false)]
    [InlineData("alice", "bob", "{\"agent\":\"\\u0061\\u006C\\u0069\\u0063\\u0065\"}", true)]
    [InlineData("carol+ops", "carol\\u002Bops", null, true)]
    [InlineData("carol+ops", "carol-ops", "{\"agent\":\"\\u002B\"}", true)]
    [InlineData("app-user-07", "APP-USER-07", null, true)]
    [InlineData("app-user-07", "app-user-7", null, false)]
    public void MayMatch_RecordText_RulesOutOnlyRecordsThatCannotName(string filterName, string rawName, string? requestParameters, bool mayMatch)
    {
        var record = Encoding.UTF8.GetBytes(Record(rawName, requestParameters, 1));
        foreach (var kernels in BothKernels())
        {
            var prefilter = RecordPrefilter.For(new CloudTrailFilter { UserName = new[] { filterName } }.GetCompiled(), kernels);

            Assert.NotNull(prefilter);
            Assert.Equal(mayMatch, prefilter!.MayMatch(record));
            Assert.Equal(record.Length, prefilter.Measure(record, out var measured));
            Assert.Equal(mayMatch, measured);
        }
    }

    [Theory]
    [InlineData("a\"b")]
    [InlineData("naïve")]
    [InlineData("tab\there")]
    public void Needle_NameJsonMustEscape_CannotBeSearchedRaw(string name)
    {
        // Such a name is no IAM user name, so the filter refuses it first; the prefilter would not search for it either.
        Assert.Equal("CloudTrailUserNameInvalid", Assert.Throws<LeastPrivException>(() => new CloudTrailFilter { UserName = new[] { name } }.GetCompiled()).ErrorId);
        Assert.Null(RecordPrefilter.Needle.Create(name));
        Assert.NotNull(RecordPrefilter.Needle.Create("alice"));
        Assert.Null(RecordPrefilter.For(CloudTrailFilter.All.GetCompiled()));
    }

    [Theory]
    [InlineData(Portable)]
    [InlineData(Vectorized)]
    public void ReadStream_RecordsSplitAtEveryBufferOffset_ReadsTheSameRecords(string kernelSet)
    {
        var json = "{\"Records\":[" + string.Join(",", Enumerable.Range(1, 9).Select(i => Record(Users[i % Users.Length], "{\"k\":\"}{\\\"" + new string('x', i * 7) + "\"}", i))) + "]}";
        var expected = Fingerprints(ReadBytes(Encoding.UTF8.GetBytes(json), AliceFilter, FullParse()).Records);
        Assert.NotEmpty(expected);

        for (var pad = 0; pad < 1024; pad++)
        {
            var data = Encoding.UTF8.GetBytes(new string(' ', pad) + json);
            var (records, result, reporter) = ReadBytes(data, AliceFilter, Scan(initialBuffer: 1024, kernels: Kernels(kernelSet)));

            Assert.Empty(reporter.Errors);
            Assert.Equal(9, result.RecordsRead);
            Assert.Equal(expected, Fingerprints(records));
        }
    }

    [Fact]
    public void ReadStream_RecordLargerThanTheBuffer_GrowsToHoldIt()
    {
        var big = "{\"blob\":\"" + new string('a', 3 * 1024 * 1024) + "\"}";
        var json = "{\"Records\":[" + Record("bob", null, 1) + "," + Record("alice", big, 2) + "," + Record("alice", null, 3) + "]}";

        var (records, result, reporter) = ReadBytes(Gzip(Encoding.UTF8.GetBytes(json)), AliceFilter, Scan(initialBuffer: 64 * 1024));

        Assert.Empty(reporter.Errors);
        Assert.Equal(new[] { "event-0002", "event-0003" }, records.Select(r => r.EventId));
        Assert.Equal(big, records[0].RequestParametersJson);
        Assert.Equal(3, result.RecordsRead);
    }

    [Fact]
    public void ReadStream_RecordLargerThanTheCap_ReportsCorruptAndKeepsTheRecordsBefore()
    {
        var big = "{\"blob\":\"" + new string('a', 600 * 1024) + "\"}";
        var json = "{\"Records\":[" + Record("alice", null, 1) + "," + Record("bob", big, 2) + "," + Record("alice", null, 3) + "]}";
        var options = new CloudTrailReaderOptions { InitialBufferBytes = 64 * 1024, MaxRecordBytes = 256 * 1024 };

        var (records, result, reporter) = ReadBytes(Encoding.UTF8.GetBytes(json), AliceFilter, options, name: "big.json");

        var error = Assert.Single(reporter.Errors);
        Assert.Equal(CloudTrailErrors.FileCorrupt, error.ErrorId);
        Assert.Equal("big.json", error.Target);
        Assert.Contains("larger than 262144 bytes", error.Message);
        Assert.Equal(new[] { "event-0001" }, records.Select(r => r.EventId));
        Assert.False(result.IsComplete);
    }

    [Theory]
    [InlineData(Portable)]
    [InlineData(Vectorized)]
    public void ReadStream_TruncatedAnywhereInTheArray_ReportsCorruptLikeTheFullParse(string kernelSet)
    {
        var json = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", Enumerable.Range(1, 4).Select(i => Record(i % 2 == 0 ? "alice" : "bob", null, i))) + "]}");

        for (var cut = 13; cut < json.Length - 1; cut++)
        {
            var data = json.AsSpan(0, cut).ToArray();
            var scanned = ReadBytes(data, AliceFilter, Scan(kernels: Kernels(kernelSet)));
            var full = ReadBytes(data, AliceFilter, FullParse());

            var error = Assert.Single(scanned.Reporter.Errors);
            Assert.Equal(CloudTrailErrors.FileCorrupt, error.ErrorId);
            Assert.Equal(CloudTrailErrors.FileCorrupt, Assert.Single(full.Reporter.Errors).ErrorId);
            Assert.Equal(Fingerprints(full.Records), Fingerprints(scanned.Records));
        }
    }

    [Theory]
    [InlineData("{\"Records\":[1,\"x\",null,{\"eventName\":\"PutObject\",\"eventSource\":\"s3.amazonaws.com\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\"}},[],{}],\"NextToken\":\"t\"}", 1)]
    [InlineData("[{\"eventName\":\"PutObject\",\"eventSource\":\"s3.amazonaws.com\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\"}} , 7 ]\n[]", 1)]
    [InlineData("{\"NextToken\":\"t\",\"Records\":[ ]}", 0)]
    public void ReadStream_ArraysWithOtherValuesAndMembers_ReadLikeTheFullParse(string json, int expected)
    {
        var data = Encoding.UTF8.GetBytes(json);
        var scanned = ReadBytes(data, AliceFilter, Scan());
        var full = ReadBytes(data, AliceFilter, FullParse());

        Assert.Equal(expected, scanned.Records.Count);
        Assert.Equal(Fingerprints(full.Records), Fingerprints(scanned.Records));
        Assert.Equal(full.Result.RecordsRead, scanned.Result.RecordsRead);
        Assert.Equal(full.Reporter.Errors.Select(e => e.ErrorId), scanned.Reporter.Errors.Select(e => e.ErrorId));
    }

    [Theory]
    [MemberData(nameof(CloudTrailFilterTests.Cases), MemberType = typeof(CloudTrailFilterTests))]
    public void Filter_RecordsContainer_FiltersLikeOneRecordPerLine(string what, CloudTrailFilter filter, int[] expected)
    {
        var lines = File.ReadAllLines(Fixture("records.jsonl")).Where(l => l.Length > 0);
        var container = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", lines) + "]}");

        var (records, result, _) = ReadBytes(Gzip(container), filter, name: what);

        Assert.Equal(expected, records.Select(r => int.Parse(r.EventId!.Substring(r.EventId.Length - 4))));
        Assert.Equal(6, result.RecordsRead);
    }

    [Theory]
    [InlineData(Portable)]
    [InlineData(Vectorized)]
    public void ReadStream_RandomRecordsAndFilters_ScanYieldsWhatTheFullParseYields(string kernelSet)
    {
        var record = Gen.Select(Gen.Int[0, Users.Length - 1], Gen.Int[0, 3], Gen.String[Gen.Char["{}[]\"\\/:,ab+é"], 0, 40]);
        Gen.Select(record.Array[0, 12], Gen.Int[0, Filters.Length - 1], Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool), Gen.Int[0, 2]).Sample(t =>
        {
            var (specs, filterIndex, (indented, relaxed, escapeNames), shape) = t;
            var records = new JsonArray();
            for (var i = 0; i < specs.Length; i++)
            {
                var (user, kind, text) = specs[i];
                records.Add(RecordNode(Users[user], kind, text, i));
            }

            JsonNode root = shape switch
            {
                1 => records,
                2 => new JsonObject { ["NextToken"] = "{[\"", ["Records"] = records, ["More"] = new JsonArray(1, "}") },
                _ => new JsonObject { ["Records"] = records },
            };
            var json = Serialize(root, indented, relaxed);
            if (escapeNames)
            {
                // Names spelled with escapes, which the serializer would not write on its own.
                json = json.Replace("\"alice\"", "\"\\u0061lice\"").Replace("/ALICE2\"", "/\\u0041LICE2\"").Replace("role/deployer", "role\\/d\\u0065ployer");
            }

            var data = Encoding.UTF8.GetBytes(json);
            var filter = Filters[filterIndex];
            var scanned = ReadBytes(data, filter, Scan(initialBuffer: 256, kernels: Kernels(kernelSet)));
            var full = ReadBytes(data, filter, FullParse());

            Assert.Empty(full.Reporter.Errors);
            Assert.Equal(Fingerprints(full.Records), Fingerprints(scanned.Records));
            Assert.Equal(full.Result.RecordsRead, scanned.Result.RecordsRead);
            Assert.Equal(full.Result.RecordsMatched, scanned.Result.RecordsMatched);
            Assert.Equal(full.Reporter.Errors.Select(e => e.ErrorId), scanned.Reporter.Errors.Select(e => e.ErrorId));
        }, iter: 1500);
    }

    internal const string Portable = "portable";
    internal const string Vectorized = "vectorized";

    /// <summary>The portable loops, or the vectorized ones this runtime must have bound.</summary>
    internal static ScanKernels Kernels(string set)
    {
        if (set == Portable)
        {
            return ScanKernels.Portable;
        }

        Assert.StartsWith("vectorized", ScanKernels.Current.Description);
        return ScanKernels.Current;
    }

    internal static IEnumerable<ScanKernels> BothKernels() => new[] { Kernels(Portable), Kernels(Vectorized) };

    private static CloudTrailReaderOptions Scan(int initialBuffer = 1024 * 1024, ScanKernels? kernels = null) => new()
    {
        KeepRawJson = true,
        CaptureRequestParameters = true,
        InitialBufferBytes = initialBuffer,
        Kernels = kernels ?? ScanKernels.Current,
    };

    private static CloudTrailReaderOptions FullParse() => new()
    {
        KeepRawJson = true,
        CaptureRequestParameters = true,
        ScanRecordArrays = false,
    };

    private static List<string> Fingerprints(IEnumerable<CloudTrailRecord> records) =>
        records.Select(r => $"{r.EventId}|{r.EventName}|{r.Identity.Type}|{r.Identity.UserName}|{r.Identity.Arn}|{r.Identity.SessionIssuer?.Arn}|{r.RequestParametersJson}|{r.RawJson}").ToList();

    /// <summary>An IAM user's record, the name written as given (it may hold escapes).</summary>
    private static string Record(string rawName, string? requestParameters, int id) =>
        "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/" + rawName + "\",\"accountId\":\"111122223333\",\"userName\":\""
        + rawName + "\"},\"eventTime\":\"2025-03-01T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"PutObject\",\"requestParameters\":"
        + (requestParameters ?? "null") + ",\"eventID\":\"event-" + id.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + "\"}";

    /// <summary>Kinds: 0 IAM user with userName, 1 IAM user known only by ARN, 2 a session of role "deployer" or another role, 3 root.</summary>
    private static JsonObject RecordNode(string user, int kind, string text, int id)
    {
        var identity = kind switch
        {
            0 => new JsonObject { ["type"] = "IAMUser", ["arn"] = $"arn:aws:iam::111122223333:user/{user}", ["userName"] = user },
            1 => new JsonObject { ["type"] = "IAMUser", ["arn"] = $"arn:aws:iam::111122223333:user/team/{user}" },
            2 => new JsonObject
            {
                ["type"] = "AssumedRole",
                ["arn"] = $"arn:aws:sts::111122223333:assumed-role/{(user.Length > 4 ? "deployer" : user)}/s-{text.Length}",
                ["sessionContext"] = new JsonObject
                {
                    ["sessionIssuer"] = new JsonObject { ["type"] = "Role", ["arn"] = $"arn:aws:iam::111122223333:role/{(user.Length > 4 ? "deployer" : user)}" },
                },
            },
            _ => new JsonObject { ["type"] = "Root", ["arn"] = "arn:aws:iam::111122223333:root" },
        };
        return new JsonObject
        {
            ["eventVersion"] = "1.09",
            ["userIdentity"] = identity,
            ["eventTime"] = "2025-03-01T10:00:00Z",
            ["eventSource"] = "s3.amazonaws.com",
            ["eventName"] = "PutObject",
            ["userAgent"] = text,
            ["requestParameters"] = new JsonObject { ["key"] = text, ["list"] = new JsonArray("}", text, new JsonObject { ["{"] = text }) },
            ["errorCode"] = id % 3 == 0 ? "AccessDenied" : null,
            ["eventID"] = $"event-{id:D4}",
        };
    }

    private static string Serialize(JsonNode node, bool indented, bool relaxed) =>
        node.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = indented,
            Encoder = relaxed ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default,
        });
}
