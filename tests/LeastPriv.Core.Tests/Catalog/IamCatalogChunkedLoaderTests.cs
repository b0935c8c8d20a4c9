using System.IO.Compression;
using System.Text;
using System.Text.Json;
using LeastPriv.Core.Catalog;
using Xunit;

namespace LeastPriv.Core.Tests.Catalog;

/// <summary>Format 3: the head (header and index) is inflated at load, a chunk when one of its services is first used.</summary>
public sealed class IamCatalogChunkedLoaderTests
{
    private const string Demo =
        "{\"p\":\"demo\",\"n\":\"Demo Service\",\"ac\":3,\"rc\":1,\"r\":[[\"thing\",\"arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}\",[\"aws:ResourceTag/${TagKey}\"]]]," +
        "\"a\":[[\"GetThing\",1,[[0,1]],[\"demo:Color\"],[\"iam:PassRole\",\"other:ListWidgets\"]],[\"ListThings\",0,[],[],[]],[\"TagThing\",3,[[0,0]],[],[]]]}";

    private const string Other =
        "{\"p\":\"other\",\"n\":\"Other Service — ünïcode\",\"ac\":2,\"rc\":2,\"r\":[[\"widget\",\"arn:${Partition}:other:::widget/${Id}\",[]],[\"gadget\",\"arn:${Partition}:other:::gadget/${Id}\",[\"other:Size\"]]]," +
        "\"a\":[[\"ListWidgets\",0,[],[],[]],[\"PutGadgetPolicy\",4,[[1,1],[0,0]],[\"other:Size\"],[]]]}";

    private const string Third =
        "{\"p\":\"third\",\"n\":\"Third\",\"ac\":1,\"rc\":0,\"r\":[],\"a\":[[\"DoIt\",2,[],[],[]]]}";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Load_ChunkedCatalog_ReadsLikeTheWholeDocument(int servicesPerChunk)
    {
        var whole = IamCatalogLoader.Load(Gzip(WholeDocument(Demo, Other, Third)));
        var chunked = IamCatalogLoader.Load(new MemoryStream(Chunked(new[] { Demo, Other, Third }, servicesPerChunk)));

        Assert.Equal("0.0.202601011", chunked.DataVersion);
        Assert.Equal(new DateTime(2026, 1, 1), chunked.DataDate);
        Assert.Equal("0.0.202501011", chunked.DependentActionsVersion);
        Assert.Equal(whole.Description, chunked.Description);
        Assert.Equal(6, chunked.ActionCount);
        Assert.Equal(3, chunked.ResourceTypeCount);
        Assert.Equal(Describe(whole), Describe(chunked));
        Assert.True(chunked.TryGetService("other", out var other));
        Assert.Equal("Other Service — ünïcode", other.Name);
        Assert.True(chunked.TryGetAction("other:putgadgetpolicy", out var put));
        Assert.Equal(IamAccessLevel.PermissionsManagement, put.AccessLevel);
        Assert.Equal(new[] { "gadget*", "widget" }, put.Resources.Select(r => r.ToString()));
    }

    [Fact]
    public void Load_ChunkedDamagedChunk_OnlyThatServiceFailsWhenUsed()
    {
        var data = Chunked(new[] { Demo, Other, Third }, 1);
        var other = Members(data)[2];
        data[other.Start + other.Length - 8] ^= 0xff; // its CRC-32

        var catalog = IamCatalogLoader.Load(new MemoryStream(data));

        Assert.Equal(3, catalog.Services.Count);
        Assert.True(catalog.TryGetAction("demo:GetThing", out _));
        Assert.True(catalog.TryGetAction("third:DoIt", out _));
        var e = Assert.Throws<LeastPrivException>(() => catalog.TryGetAction("other:ListWidgets", out _));
        Assert.Equal("CatalogDataInvalid", e.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidData, e.Category);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("trailing byte")]
    [InlineData("head length too large")]
    [InlineData("head length too small")]
    [InlineData("head CRC")]
    [InlineData("chunk inflates short")]
    [InlineData("format 2 in chunks")]
    [InlineData("no index")]
    [InlineData("index names another service")]
    [InlineData("index count differs")]
    [InlineData("index offset past chunk")]
    [InlineData("index chunk missing")]
    [InlineData("index length cuts the service")]
    [InlineData("service lacks its arrays")]
    [InlineData("date not a calendar day")]
    public void Load_DamagedChunkedData_ThrowsCatalogDataInvalid(string damage)
    {
        var services = new[] { Demo, Other };
        var data = damage switch
        {
            "truncated" => Chunked(services, 1)[..^1],
            "trailing byte" => Chunked(services, 1).Append((byte)0).ToArray(),
            "head length too large" => WithHeadLength(Chunked(services, 1), delta: 5),
            "head length too small" => WithHeadLength(Chunked(services, 1), delta: -5),
            "head CRC" => Flip(Chunked(services, 1), data => Members(data)[0].Start + Members(data)[0].Length - 8),
            "chunk inflates short" => Flip(Chunked(services, 1), data => Members(data)[1].Start + Members(data)[1].Length - 4),
            "format 2 in chunks" => Chunked(services, 1, format: 2),
            "no index" => Chunked(services, 1, index: _ => null),
            "index names another service" => Chunked(services, 1, index: e => e[0] is "demo" ? e.Take(4).Concat(new object[] { 1, 0, Encoding.UTF8.GetByteCount(Other) }).ToArray() : e),
            "index count differs" => Chunked(services, 1, index: e => e[0] is "demo" ? new[] { e[0], e[1], 4, e[3], e[4], e[5], e[6] } : e),
            "index offset past chunk" => Chunked(services, 1, index: e => e[0] is "demo" ? new[] { e[0], e[1], e[2], e[3], e[4], 10_000, e[6] } : e),
            "index chunk missing" => Chunked(services, 1, index: e => e[0] is "demo" ? new[] { e[0], e[1], e[2], e[3], 7, e[5], e[6] } : e),
            "index length cuts the service" => Chunked(services, 1, index: e => e[0] is "demo" ? new[] { e[0], e[1], e[2], e[3], e[4], e[5], (int)e[6] - 1 } : e),
            "service lacks its arrays" => Chunked(new[] { "{\"p\":\"demo\",\"n\":\"Demo Service\",\"ac\":3,\"rc\":1}", Other }, 1),
            "date not a calendar day" => Chunked(services, 1, date: "2026-02-30"),
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };

        // A damaged head fails the load; a damaged service fails at the latest when it is decoded.
        var e = Assert.Throws<LeastPrivException>(() => IamCatalogLoader.Load(new MemoryStream(data)).TryGetAction("demo:GetThing", out _));
        Assert.Equal("CatalogDataInvalid", e.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidData, e.Category);
    }

    private static string Header(int format, string date = "2026-01-01") =>
        $"\"format\":{format},\"version\":\"0.0.202601011\",\"date\":\"{date}\",\"dependentsVersion\":\"0.0.202501011\"";

    private static string WholeDocument(params string[] services) => "{" + Header(2) + ",\"services\":[" + string.Join(",", services) + "]}";

    /// <summary>
    /// Writes format 3 as tools/catalog/convert-catalog.mjs does (chunks of servicesPerChunk
    /// services here); <paramref name="index"/> may rewrite each index entry (null drops the index).
    /// </summary>
    private static byte[] Chunked(string[] services, int servicesPerChunk, int format = 3, Func<object[], object[]?>? index = null, string date = "2026-01-01")
    {
        var chunkTexts = new List<string>();
        var entries = new List<object[]>();
        for (var first = 0; first < services.Length; first += servicesPerChunk)
        {
            var text = new StringBuilder();
            for (var k = first; k < Math.Min(first + servicesPerChunk, services.Length); k++)
            {
                if (k > first)
                {
                    text.Append(',');
                }

                using var service = JsonDocument.Parse(services[k]);
                var root = service.RootElement;
                entries.Add(new object[]
                {
                    root.GetProperty("p").GetString()!,
                    root.GetProperty("n").GetString()!,
                    root.TryGetProperty("ac", out var ac) ? ac.GetInt32() : 0,
                    root.TryGetProperty("rc", out var rc) ? rc.GetInt32() : 0,
                    chunkTexts.Count,
                    Encoding.UTF8.GetByteCount(text.ToString()),
                    Encoding.UTF8.GetByteCount(services[k]),
                });
                text.Append(services[k]);
            }

            text.Append(first + servicesPerChunk >= services.Length ? "]}" : ",");
            chunkTexts.Add(text.ToString());
        }

        var chunks = chunkTexts.Select(t => GzipMember(Encoding.UTF8.GetBytes(t))).ToList();
        var rewritten = entries.Select(e => index is null ? e : index(e)).ToList();
        var indexJson = rewritten.Any(e => e is null) ? string.Empty : ",\"index\":" + JsonSerializer.Serialize(rewritten);
        var head = "{" + Header(format, date) + ",\"chunks\":" + JsonSerializer.Serialize(chunks.Select(c => c.Length)) + indexJson + ",\"services\":[";
        var plainHead = GzipMember(Encoding.UTF8.GetBytes(head));

        // FLG.FEXTRA with subfield 'L' 'P' (4 bytes): the length of the head member.
        var headMember = new List<byte>(plainHead.Take(10)) { 8, 0, (byte)'L', (byte)'P', 4, 0 };
        headMember.AddRange(BitConverter.GetBytes(plainHead.Length + 10));
        headMember.AddRange(plainHead.Skip(10));
        headMember[3] |= 4;
        return headMember.Concat(chunks.SelectMany(c => c)).ToArray();
    }

    private static List<(int Start, int Length)> Members(byte[] data)
    {
        var headLength = BitConverter.ToInt32(data, 16);
        var head = Encoding.UTF8.GetString(Inflate(data[..headLength]));
        using var document = JsonDocument.Parse(head + "]}");
        var members = new List<(int Start, int Length)> { (0, headLength) };
        var position = headLength;
        foreach (var length in document.RootElement.GetProperty("chunks").EnumerateArray().Select(c => c.GetInt32()))
        {
            members.Add((position, length));
            position += length;
        }

        return members;
    }

    private static byte[] WithHeadLength(byte[] data, int delta)
    {
        BitConverter.GetBytes(BitConverter.ToInt32(data, 16) + delta).CopyTo(data, 16);
        return data;
    }

    private static byte[] Flip(byte[] data, Func<byte[], int> at)
    {
        data[at(data)] ^= 0xff;
        return data;
    }

    private static List<string> Describe(IamCatalog catalog) =>
        catalog.Services
            .SelectMany(s => s.Actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a =>
                $"{s.Prefix}|{s.Name}|{a.FullName}|{a.AccessLevel}|{string.Join(",", a.Resources.Select(r => r + "=" + r.ResourceType.ArnTemplate + "[" + string.Join(",", r.ResourceType.ConditionKeys) + "]"))}" +
                $"|{string.Join(",", a.ConditionKeys)}|{string.Join(",", a.DependentActions)}"))
            .ToList();

    private static byte[] Inflate(byte[] member)
    {
        using var gzip = new GZipStream(new MemoryStream(member), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] GzipMember(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes, 0, bytes.Length);
        }

        return output.ToArray();
    }

    private static MemoryStream Gzip(string json) => new(GzipMember(Encoding.UTF8.GetBytes(json)));
}
