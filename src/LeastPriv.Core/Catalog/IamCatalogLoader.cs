using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace LeastPriv.Core.Catalog;

/// <summary>
/// Reads the compact catalog written by <c>tools/catalog/convert-catalog.mjs</c>
/// (format 2; the shape is documented at the top of that script). The header and each
/// service's prefix, name and counts are read at load; a service's actions and resource types are
/// decoded when it is first used.
/// </summary>
internal static class IamCatalogLoader
{
    internal const string ResourceName = "LeastPriv.Core.Catalog.Data.iam-catalog.json.gz";

    private const int SupportedFormat = 2;

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
        using var stream = typeof(IamCatalogLoader).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new LeastPrivException(
                "CatalogResourceMissing",
                LPErrorCategory.ResourceUnavailable,
                $"The IAM catalog resource '{ResourceName}' is missing from {typeof(IamCatalogLoader).Assembly.GetName().Name}.",
                ResourceName);
        return Load(stream);
    }

    /// <summary>Loads a gzip-compressed catalog.</summary>
    public static IamCatalog Load(Stream gzipStream)
    {
        try
        {
            byte[] json;
            using (var gzip = new GZipStream(gzipStream, CompressionMode.Decompress, leaveOpen: true))
            using (var buffer = new MemoryStream())
            {
                gzip.CopyTo(buffer);
                json = buffer.ToArray();
            }

            return Read(json);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or InvalidOperationException or IndexOutOfRangeException or ArgumentOutOfRangeException or FormatException)
        {
            throw Invalid(e);
        }
    }

    private static LeastPrivException Invalid(Exception e) =>
        new("CatalogDataInvalid", LPErrorCategory.InvalidData, $"The IAM catalog data cannot be read: {e.Message}", ResourceName, e);

    // Streaming read (Utf8JsonReader) rather than JsonDocument: the catalog is 1.7 MB of JSON and
    // is loaded on the first command of every session, so the DOM would be pure overhead.
    private static IamCatalog Read(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        int? format = null;
        string? version = null;
        string? date = null;
        string? dependentsVersion = null;
        var services = new List<IamService>();

        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            switch (property)
            {
                case "format":
                    Next(ref reader);
                    format = reader.GetInt32();
                    if (format != SupportedFormat)
                    {
                        throw new FormatException($"catalog format {format} is not supported (expected {SupportedFormat})");
                    }

                    break;
                case "version":
                    version = ReadString(ref reader);
                    break;
                case "date":
                    date = ReadString(ref reader);
                    break;
                case "dependentsVersion":
                    dependentsVersion = ReadString(ref reader);
                    break;
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

        if (format is null || version is null || date is null || dependentsVersion is null)
        {
            throw new FormatException("the catalog header (format, version, date, dependentsVersion) is incomplete");
        }

        var dataDate = DateTime.SpecifyKind(DateTime.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture), DateTimeKind.Utc);
        return new IamCatalog(version, dataDate, dependentsVersion, services);
    }

    private static IamService ReadService(ref Utf8JsonReader reader, byte[] json)
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
                    Next(ref reader);
                    actionCount = reader.GetInt32();
                    break;
                case "rc":
                    Next(ref reader);
                    resourceTypeCount = reader.GetInt32();
                    break;
                case "r":
                    resources = SkipArray(ref reader);
                    break;
                case "a":
                    actions = SkipArray(ref reader);
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

        // Only the byte ranges are kept here; the service decodes them on first use.
        var servicePrefix = prefix;
        var expectedActions = actionCount.Value;
        var expectedResourceTypes = resourceTypeCount.Value;
        return new IamService(
            prefix,
            name,
            expectedActions,
            expectedResourceTypes,
            () => DecodeService(json, servicePrefix, resources, actions, expectedActions, expectedResourceTypes));
    }

    private static (int Start, int Length) SkipArray(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return (start, (int)reader.BytesConsumed - start);
    }

    private static IamServiceContents DecodeService(
        byte[] json,
        string prefix,
        (int Start, int Length) resourceRange,
        (int Start, int Length) actionRange,
        int expectedActions,
        int expectedResourceTypes)
    {
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
        catch (Exception e) when (e is JsonException or InvalidOperationException or IndexOutOfRangeException or ArgumentOutOfRangeException or FormatException)
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
}
