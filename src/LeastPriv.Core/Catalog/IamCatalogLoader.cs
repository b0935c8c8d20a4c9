using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace LeastPriv.Core.Catalog;

/// <summary>
/// Reads the compact catalog written by <c>tools/catalog/convert-catalog.mjs</c> (the shape is
/// documented at the top of that script). Format 3, the embedded one, is chunked: the load
/// inflates only the head (header and an index of every service's prefix, name, counts and
/// place), and a service's chunk is inflated and decoded when the service is first used.
/// Format 2, one gzip member holding the whole document, is still read: inflated and tokenized
/// at load, each service decoded on first use.
/// </summary>
internal static class IamCatalogLoader
{
    internal const string ResourceName = "LeastPriv.Core.Catalog.Data.iam-catalog.json.gz";

    private const int WholeFormat = 2;

    private const int ChunkedFormat = 3;

    // A gzip member is at least its 10-byte header, an empty deflate block and its 8-byte trailer.
    private const int MinMemberBytes = 20;

    // A member's trailer states its inflated size; refuse sizes no catalog part comes near, so
    // damaged data cannot make the reader allocate without bound.
    private const int MaxInflatedMemberBytes = 64 * 1024 * 1024;

    // The gzip header up to the head length field: 10 fixed bytes, XLEN, and the 'LP' subfield.
    private const int HeadLengthFieldEnd = 20;

    private static readonly IamAccessLevel[] Levels =
    {
        IamAccessLevel.List,
        IamAccessLevel.Read,
        IamAccessLevel.Write,
        IamAccessLevel.Tagging,
        IamAccessLevel.PermissionsManagement,
    };

    public static IamCatalog LoadEmbedded()
    {
        using var stream = OpenEmbedded();
        return Load(stream, OpenEmbedded);
    }

    /// <summary>Loads a gzip-compressed catalog (format 3, or format 2).</summary>
    public static IamCatalog Load(Stream gzipStream) => Load(gzipStream, reopen: null);

    /// <summary>
    /// <paramref name="reopen"/>, when given, opens the same data again from its start: a chunk is
    /// then read from it when one of its services is first used, instead of the whole file being
    /// copied at load. Without it the data is read into memory.
    /// </summary>
    private static IamCatalog Load(Stream stream, Func<Stream>? reopen)
    {
        try
        {
            CatalogBytes bytes = reopen is not null && stream.CanSeek && stream.Position == 0
                ? new ReopenedBytes(reopen, stream.Length)
                : new InMemoryBytes(ReadAllBytes(stream));
            var start = bytes.Read(0, (int)Math.Min(bytes.Length, HeadLengthFieldEnd));
            return TryGetHeadLength(start, out var headLength)
                ? ReadChunked(bytes, headLength)
                : Read(InflateWhole(bytes.Read(0, checked((int)bytes.Length))));
        }
        catch (Exception e) when (IsDataError(e))
        {
            throw Invalid(e);
        }
    }

    private static Stream OpenEmbedded() =>
        typeof(IamCatalogLoader).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new LeastPrivException(
                "CatalogResourceMissing",
                LPErrorCategory.ResourceUnavailable,
                $"The IAM catalog resource '{ResourceName}' is missing from {typeof(IamCatalogLoader).Assembly.GetName().Name}.",
                ResourceName);

    private static bool IsDataError(Exception e) =>
        e is InvalidDataException or JsonException or InvalidOperationException or IndexOutOfRangeException or ArgumentException or FormatException or OverflowException;

    private static LeastPrivException Invalid(Exception e) =>
        new("CatalogDataInvalid", LPErrorCategory.InvalidData, $"The IAM catalog data cannot be read: {e.Message}", ResourceName, e);

    private static byte[] ReadAllBytes(Stream stream)
    {
        if (stream.CanSeek)
        {
            return ReadExactly(stream, checked((int)(stream.Length - stream.Position)));
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        var data = new byte[count];
        var read = 0;
        int n;
        while (read < data.Length && (n = stream.Read(data, read, data.Length - read)) > 0)
        {
            read += n;
        }

        return read == data.Length ? data : throw new InvalidDataException("the catalog data ends before its stated length");
    }

    private static byte[] InflateWhole(ArraySegment<byte> data)
    {
        using var gzip = new GZipStream(new MemoryStream(data.Array!, data.Offset, data.Count, writable: false), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    // Format 2: the whole document in one member. Streaming read (Utf8JsonReader) rather than
    // JsonDocument, which would be pure overhead on 1.7 MB of JSON.
    private static IamCatalog Read(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var header = default(Header);
        var services = new List<IamService>();

        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            if (header.TryRead(ref reader, property, WholeFormat, "catalog format {0} is not supported as one gzip member (expected {1}, or " + ChunkedFormat + " in chunks)"))
            {
                continue;
            }

            switch (property)
            {
                case "services":
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (Next(ref reader) == JsonTokenType.StartObject)
                    {
                        services.Add(ReadService(ref reader, json));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (!header.IsComplete)
        {
            throw new FormatException("the catalog header (format, version, date, dependentsVersion) is incomplete");
        }

        return new IamCatalog(header.Version!, ParseDate(header.Date!), header.DependentsVersion!, services);
    }

    /// <summary>The header members both formats share, read as they come.</summary>
    private struct Header
    {
        public int? Format;
        public string? Version;
        public string? Date;
        public string? DependentsVersion;

        public readonly bool IsComplete => Format is not null && Version is not null && Date is not null && DependentsVersion is not null;

        /// <summary>
        /// Reads the value of <paramref name="property"/> when it is a header member (false for
        /// any other); a format other than <paramref name="expectedFormat"/> is refused at once
        /// with <paramref name="unsupported"/> ({0} the format found, {1} the one expected).
        /// </summary>
        public bool TryRead(ref Utf8JsonReader reader, string? property, int expectedFormat, string unsupported)
        {
            switch (property)
            {
                case "format":
                    Format = ReadInt32(ref reader);
                    if (Format != expectedFormat)
                    {
                        throw new FormatException(string.Format(CultureInfo.InvariantCulture, unsupported, Format, expectedFormat));
                    }

                    return true;
                case "version":
                    Version = ReadString(ref reader);
                    return true;
                case "date":
                    Date = ReadString(ref reader);
                    return true;
                case "dependentsVersion":
                    DependentsVersion = ReadString(ref reader);
                    return true;
                default:
                    return false;
            }
        }
    }

    // "yyyy-MM-dd", read by hand: DateTime.ParseExact would initialise globalization (ICU on
    // Linux), which is most of a cold load in a process that has not needed a culture yet.
    private static DateTime ParseDate(string date)
    {
        if (date.Length != 10 || date[4] != '-' || date[7] != '-')
        {
            throw new FormatException($"the catalog date '{date}' is not yyyy-MM-dd");
        }

        return new DateTime(Digits(date, 0, 4), Digits(date, 5, 2), Digits(date, 8, 2), 0, 0, 0, DateTimeKind.Utc);
    }

    private static int Digits(string text, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if (digit is < 0 or > 9)
            {
                throw new FormatException($"the catalog date '{text}' is not yyyy-MM-dd");
            }

            value = (value * 10) + digit;
        }

        return value;
    }

    private static IamService ReadService(ref Utf8JsonReader reader, byte[] json)
    {
        var fields = ReadServiceFields(ref reader, 0);

        // Only the byte ranges are kept here; the service decodes them on first use.
        return new IamService(
            fields.Prefix,
            fields.Name,
            fields.ActionCount,
            fields.ResourceTypeCount,
            () => DecodeService(json, fields));
    }

    /// <summary>
    /// Reads one service object up to its closing brace (the reader is just past its opening
    /// one), keeping where its "r" and "a" arrays lie, <paramref name="origin"/> being where the
    /// reader's input starts in the buffer those ranges refer to.
    /// </summary>
    private static ServiceFields ReadServiceFields(ref Utf8JsonReader reader, int origin)
    {
        string? prefix = null;
        string? name = null;
        int? actionCount = null;
        int? resourceTypeCount = null;
        (int Start, int Length) resources = default;
        (int Start, int Length) actions = default;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (reader.GetString())
            {
                case "p":
                    prefix = ReadString(ref reader);
                    break;
                case "n":
                    name = ReadString(ref reader);
                    break;
                case "ac":
                    actionCount = ReadInt32(ref reader);
                    break;
                case "rc":
                    resourceTypeCount = ReadInt32(ref reader);
                    break;
                case "r":
                    resources = SkipArray(ref reader, origin);
                    break;
                case "a":
                    actions = SkipArray(ref reader, origin);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (prefix is null || name is null || actionCount is null || resourceTypeCount is null || resources.Length == 0 || actions.Length == 0)
        {
            throw new FormatException($"service '{prefix}' lacks one of p, n, ac, rc, r, a");
        }

        return new ServiceFields(prefix, name, actionCount.Value, resourceTypeCount.Value, resources, actions);
    }

    private static (int Start, int Length) SkipArray(ref Utf8JsonReader reader, int origin)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return (origin + start, (int)reader.BytesConsumed - start);
    }

    // Format 3. The head member's gzip header names its own length (FEXTRA subfield 'LP'); the
    // head holds the document up to `"services":[`, with the chunk lengths and the index. Only
    // the head is inflated here: the catalog is loaded by every process that generates a policy,
    // which then uses a handful of the 456 services, and inflating the whole 1.7 MB was most of
    // the load.
    private static IamCatalog ReadChunked(CatalogBytes data, int headLength)
    {
        if (headLength > data.Length)
        {
            throw new FormatException($"the catalog head claims {headLength} bytes, the data has {data.Length}");
        }

        var head = InflateMember(data.Read(0, headLength));
        var reader = new Utf8JsonReader(head, isFinalBlock: false, state: default);
        var header = default(Header);
        List<int>? chunkLengths = null;
        List<IndexEntry>? index = null;
        var atServices = false;

        Expect(ref reader, JsonTokenType.StartObject);
        while (!atServices && Next(ref reader) == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            if (header.TryRead(ref reader, property, ChunkedFormat, "catalog format {0} is not supported in chunks (expected {1})"))
            {
                continue;
            }

            switch (property)
            {
                case "chunks":
                    chunkLengths = new List<int>();
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (Next(ref reader) == JsonTokenType.Number)
                    {
                        chunkLengths.Add(reader.GetInt32());
                    }

                    if (reader.TokenType != JsonTokenType.EndArray)
                    {
                        throw new FormatException($"expected a chunk length at byte {reader.TokenStartIndex}");
                    }

                    break;
                case "index":
                    index = ReadIndex(ref reader);
                    break;
                case "services":
                    Expect(ref reader, JsonTokenType.StartArray);
                    atServices = true;
                    break;
                default:
                    if (!reader.TrySkip())
                    {
                        throw new FormatException("the catalog head ends inside an unknown property");
                    }

                    break;
            }
        }

        if (!atServices || reader.BytesConsumed != head.Length)
        {
            throw new FormatException("the catalog head does not end where the services begin");
        }

        if (!header.IsComplete || chunkLengths is null || index is null)
        {
            throw new FormatException("the catalog head (format, version, date, dependentsVersion, chunks, index) is incomplete");
        }

        // Where each chunk's gzip member lies; the members must fill the data exactly.
        var chunks = new (int Start, int Length)[chunkLengths.Count];
        long position = headLength;
        for (var i = 0; i < chunks.Length; i++)
        {
            if (chunkLengths[i] < MinMemberBytes || position + chunkLengths[i] > data.Length)
            {
                throw new FormatException($"catalog chunk {i} ({chunkLengths[i]} bytes at {position}) does not fit in the {data.Length} bytes of data");
            }

            chunks[i] = ((int)position, chunkLengths[i]);
            position += chunkLengths[i];
        }

        if (position != data.Length)
        {
            throw new FormatException($"the catalog chunks end at byte {position}, the data at {data.Length}");
        }

        var services = new List<IamService>(index.Count);
        var lastChunk = new LastChunk();
        foreach (var entry in index)
        {
            if (entry.Chunk >= chunks.Length)
            {
                throw new FormatException($"service '{entry.Prefix}' is in chunk {entry.Chunk}, the catalog has {chunks.Length}");
            }

            // Whether the service lies inside its chunk is known once the chunk is inflated.
            var chunk = chunks[entry.Chunk];
            services.Add(new IamService(entry.Prefix, entry.Name, entry.ActionCount, entry.ResourceTypeCount, () => DecodeChunked(data, chunk, entry, lastChunk)));
        }

        return new IamCatalog(header.Version!, ParseDate(header.Date!), header.DependentsVersion!, services);
    }

    // [[prefix, name, actionCount, resourceTypeCount, chunk, offset, length], ...]
    private static List<IndexEntry> ReadIndex(ref Utf8JsonReader reader)
    {
        var index = new List<IndexEntry>();
        Expect(ref reader, JsonTokenType.StartArray);
        while (Next(ref reader) == JsonTokenType.StartArray)
        {
            var entry = new IndexEntry(
                ReadString(ref reader),
                ReadString(ref reader),
                ReadCount(ref reader),
                ReadCount(ref reader),
                ReadCount(ref reader),
                ReadCount(ref reader),
                ReadCount(ref reader));
            Expect(ref reader, JsonTokenType.EndArray);
            index.Add(entry);
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new FormatException($"expected an index entry at byte {reader.TokenStartIndex}");
        }

        return index;
    }

    private static IamServiceContents DecodeChunked(CatalogBytes data, (int Start, int Length) chunk, IndexEntry entry, LastChunk lastChunk)
    {
        try
        {
            var text = lastChunk.Get(entry.Chunk);
            if (text is null)
            {
                text = InflateMember(data.Read(chunk.Start, chunk.Length));
                lastChunk.Set(entry.Chunk, text);
            }

            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(text, entry.Offset, entry.Length));
            Expect(ref reader, JsonTokenType.StartObject);
            var fields = ReadServiceFields(ref reader, entry.Offset);
            if (reader.Read())
            {
                throw new FormatException($"service '{entry.Prefix}' does not end where the index says");
            }

            if (fields.Prefix != entry.Prefix || fields.Name != entry.Name || fields.ActionCount != entry.ActionCount || fields.ResourceTypeCount != entry.ResourceTypeCount)
            {
                throw new FormatException(
                    $"chunk {entry.Chunk} holds service '{fields.Prefix}' ({fields.ActionCount} actions, {fields.ResourceTypeCount} resource types) where the index has '{entry.Prefix}' ({entry.ActionCount}, {entry.ResourceTypeCount})");
            }

            return DecodeService(text, fields);
        }
        catch (Exception e) when (IsDataError(e))
        {
            throw Invalid(e);
        }
    }

    // The bytes are one whole gzip member: inflate it, which also checks its CRC-32 and size, so a
    // damaged chunk is reported rather than decoded.
    private static byte[] InflateMember(ArraySegment<byte> member)
    {
        var text = new byte[InflatedSize(member)];
        using var gzip = new GZipStream(new MemoryStream(member.Array!, member.Offset, member.Count, writable: false), CompressionMode.Decompress);
        var read = 0;
        int n;
        while (read < text.Length && (n = gzip.Read(text, read, text.Length - read)) > 0)
        {
            read += n;
        }

        if (read != text.Length || gzip.ReadByte() != -1)
        {
            throw new InvalidDataException($"a catalog gzip member does not inflate to the {text.Length} bytes its trailer states");
        }

        return text;
    }

    // ISIZE, the last four bytes of a gzip member (RFC 1952 2.3.1).
    private static int InflatedSize(ArraySegment<byte> member)
    {
        if (member.Count < MinMemberBytes)
        {
            throw new InvalidDataException($"{member.Count} bytes are too short for a gzip member");
        }

        var data = member.Array!;
        var end = member.Offset + member.Count;
        var size = (uint)(data[end - 4] | data[end - 3] << 8 | data[end - 2] << 16 | data[end - 1] << 24);
        if (size > MaxInflatedMemberBytes)
        {
            throw new InvalidDataException($"a catalog gzip member states an inflated size of {size} bytes");
        }

        return (int)size;
    }

    // The head member of format 3 carries its own length in its gzip header: FLG.FEXTRA set and a
    // subfield 'L' 'P' of four bytes (RFC 1952 2.3.1.1). Anything else is read as format 2.
    private static bool TryGetHeadLength(ArraySegment<byte> start, out int headLength)
    {
        headLength = 0;
        const byte FlagExtra = 4;
        var data = start.Array!;
        var offset = start.Offset;
        if (start.Count < HeadLengthFieldEnd || data[offset] != 0x1f || data[offset + 1] != 0x8b || (data[offset + 3] & FlagExtra) == 0)
        {
            return false;
        }

        // Only the subfields within the bytes read are looked at: the converter writes 'LP' first.
        var extraEnd = offset + 12 + (data[offset + 10] | data[offset + 11] << 8);
        var readEnd = offset + start.Count;
        for (var i = offset + 12; i + 4 <= extraEnd && i + 4 <= readEnd; i += 4 + (data[i + 2] | data[i + 3] << 8))
        {
            if (data[i] == 'L' && data[i + 1] == 'P' && (data[i + 2] | data[i + 3] << 8) == 4 && i + 8 <= extraEnd && i + 8 <= readEnd)
            {
                headLength = data[i + 4] | data[i + 5] << 8 | data[i + 6] << 16 | data[i + 7] << 24;
                if (headLength < extraEnd - offset + 8)
                {
                    throw new InvalidDataException($"the catalog head states a length of {headLength} bytes");
                }

                return true;
            }
        }

        return false;
    }

    private static IamServiceContents DecodeService(byte[] json, ServiceFields fields)
    {
        var prefix = fields.Prefix;
        var resourceRange = fields.Resources;
        var actionRange = fields.Actions;
        var expectedActions = fields.ActionCount;
        var expectedResourceTypes = fields.ResourceTypeCount;
        try
        {
            var strings = new Dictionary<string, string>(StringComparer.Ordinal);
            var resourceTypes = new List<IamResourceType>(expectedResourceTypes);
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(json, resourceRange.Start, resourceRange.Length));

            // [[name, arnTemplate, [conditionKeys]], ...]
            Expect(ref reader, JsonTokenType.StartArray);
            while (Next(ref reader) == JsonTokenType.StartArray)
            {
                var typeName = ReadString(ref reader);
                var arn = ReadString(ref reader);
                var keys = ReadStrings(ref reader, strings);
                Expect(ref reader, JsonTokenType.EndArray);
                resourceTypes.Add(new IamResourceType(prefix, typeName, arn, keys));
            }

            // [[name, level, [[resourceIndex, required]], [conditionKeys], [dependentActions]], ...]
            var actions = new List<IamAction>(expectedActions);
            reader = new Utf8JsonReader(new ReadOnlySpan<byte>(json, actionRange.Start, actionRange.Length));
            Expect(ref reader, JsonTokenType.StartArray);
            var refs = new List<IamActionResource>();
            while (Next(ref reader) == JsonTokenType.StartArray)
            {
                var actionName = ReadString(ref reader);
                Next(ref reader);
                var level = Levels[reader.GetInt32()];
                refs.Clear();
                Expect(ref reader, JsonTokenType.StartArray);
                while (Next(ref reader) == JsonTokenType.StartArray)
                {
                    Next(ref reader);
                    var resourceType = resourceTypes[reader.GetInt32()];
                    Next(ref reader);
                    var required = reader.GetInt32() != 0;
                    Expect(ref reader, JsonTokenType.EndArray);
                    refs.Add(new IamActionResource(resourceType, required));
                }

                var conditions = ReadStrings(ref reader, strings);
                var dependents = ReadStrings(ref reader, strings);
                Expect(ref reader, JsonTokenType.EndArray);
                var resources = refs.Count == 0 ? Array.Empty<IamActionResource>() : refs.ToArray();
                actions.Add(new IamAction(prefix, actionName, level, resources, conditions, dependents));
            }

            if (actions.Count != expectedActions || resourceTypes.Count != expectedResourceTypes)
            {
                throw new FormatException(
                    $"service '{prefix}' holds {actions.Count} actions and {resourceTypes.Count} resource types, its header says {expectedActions} and {expectedResourceTypes}");
            }

            return new IamServiceContents(resourceTypes, actions);
        }
        catch (Exception e) when (IsDataError(e))
        {
            throw Invalid(e);
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new FormatException("the catalog JSON ends early");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (Next(ref reader) != expected)
        {
            throw new FormatException($"expected {expected} at byte {reader.TokenStartIndex}, found {reader.TokenType}");
        }
    }

    private static string ReadString(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String);
        return reader.GetString()!;
    }

    private static int ReadInt32(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.Number);
        return reader.GetInt32();
    }

    private static int ReadCount(ref Utf8JsonReader reader)
    {
        var value = ReadInt32(ref reader);
        return value >= 0 ? value : throw new FormatException($"expected a count at byte {reader.TokenStartIndex}, found {value}");
    }

    private static IReadOnlyList<string> ReadStrings(ref Utf8JsonReader reader, Dictionary<string, string> pool)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        List<string>? result = null;
        while (Next(ref reader) == JsonTokenType.String)
        {
            // Condition keys and dependent actions repeat thousands of times
            // ("aws:ResourceTag/${TagKey}", "iam:PassRole"): keep one instance of each.
            var value = reader.GetString()!;
            if (!pool.TryGetValue(value, out var shared))
            {
                pool[value] = shared = value;
            }

            (result ??= new List<string>()).Add(shared);
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new FormatException($"expected a string array at byte {reader.TokenStartIndex}");
        }

        return result is null ? Array.Empty<string>() : result.ToArray();
    }

    /// <summary>
    /// The chunk inflated last. Expanding a pattern such as "*" or "s3*:*" decodes services in
    /// prefix order, and neighbours share a chunk: keeping one chunk (at most about 100 KB) saves
    /// inflating it again for each of its services. Threads may race; each sees a whole pair.
    /// </summary>
    private sealed class LastChunk
    {
        private Entry? _last;

        public byte[]? Get(int chunk)
        {
            var last = Volatile.Read(ref _last);
            return last is not null && last.Chunk == chunk ? last.Text : null;
        }

        public void Set(int chunk, byte[] text) => Volatile.Write(ref _last, new Entry(chunk, text));

        private sealed record Entry(int Chunk, byte[] Text);
    }

    /// <summary>Where the compressed catalog is read from.</summary>
    private abstract class CatalogBytes
    {
        public abstract long Length { get; }

        public abstract ArraySegment<byte> Read(long start, int count);
    }

    private sealed class InMemoryBytes(byte[] data) : CatalogBytes
    {
        public override long Length => data.Length;

        public override ArraySegment<byte> Read(long start, int count) => new(data, checked((int)start), count);
    }

    // The embedded resource lies in the mapped assembly image: each read opens it again (which is
    // cheap and needs no lock between threads decoding services) and copies just the bytes asked for.
    private sealed class ReopenedBytes(Func<Stream> open, long length) : CatalogBytes
    {
        public override long Length => length;

        public override ArraySegment<byte> Read(long start, int count)
        {
            if (start < 0 || count < 0 || start + count > length)
            {
                throw new ArgumentOutOfRangeException(nameof(start), $"bytes {start}..{start + count} lie outside the {length} bytes of the catalog");
            }

            using var stream = open();
            stream.Position = start;
            return new ArraySegment<byte>(ReadExactly(stream, count));
        }
    }

    private readonly record struct ServiceFields(
        string Prefix,
        string Name,
        int ActionCount,
        int ResourceTypeCount,
        (int Start, int Length) Resources,
        (int Start, int Length) Actions);

    private sealed record IndexEntry(string Prefix, string Name, int ActionCount, int ResourceTypeCount, int Chunk, int Offset, int Length);
}
