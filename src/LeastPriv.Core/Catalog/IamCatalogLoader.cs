using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace LeastPriv.Core.Catalog;

/// <summary>
/// Reads the compact catalog written by <c>tools/catalog/convert-catalog.mjs</c>
/// (format 1; the shape is documented at the top of that script).
/// </summary>
internal static class IamCatalogLoader
{
    internal const string ResourceName = "LeastPriv.Core.Catalog.Data.iam-catalog.json.gz";

    private const int SupportedFormat = 1;

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
        byte[] json;
        using (var gzip = new GZipStream(gzipStream, CompressionMode.Decompress, leaveOpen: true))
        using (var buffer = new MemoryStream())
        {
            gzip.CopyTo(buffer);
            json = buffer.ToArray();
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException)
        {
            throw new LeastPrivException(
                "CatalogDataInvalid",
                LPErrorCategory.InvalidData,
                $"The IAM catalog data cannot be read: {e.Message}",
                ResourceName,
                e);
        }
    }

    private static IamCatalog Read(JsonElement root)
    {
        var format = root.GetProperty("format").GetInt32();
        if (format != SupportedFormat)
        {
            throw new FormatException($"catalog format {format} is not supported (expected {SupportedFormat})");
        }

        var version = root.GetProperty("version").GetString()!;
        var date = DateTime.SpecifyKind(
            DateTime.ParseExact(root.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeKind.Utc);
        var dependentsVersion = root.GetProperty("dependentsVersion").GetString()!;

        // Condition keys and dependent actions repeat thousands of times ("aws:ResourceTag/${TagKey}",
        // "iam:PassRole"): share one string instance each.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var services = new List<IamService>();
        foreach (var s in root.GetProperty("services").EnumerateArray())
        {
            var prefix = s.GetProperty("p").GetString()!;
            var resourceTypes = new List<IamResourceType>();
            foreach (var r in s.GetProperty("r").EnumerateArray())
            {
                resourceTypes.Add(new IamResourceType(prefix, r[0].GetString()!, r[1].GetString()!, Strings(r[2], strings)));
            }

            var service = new IamService(prefix, s.GetProperty("n").GetString()!, resourceTypes);
            var actions = new List<IamAction>();
            foreach (var a in s.GetProperty("a").EnumerateArray())
            {
                var resourceRefs = a[2];
                var resources = resourceRefs.GetArrayLength() == 0 ? Array.Empty<IamActionResource>() : new IamActionResource[resourceRefs.GetArrayLength()];
                var i = 0;
                foreach (var rr in resourceRefs.EnumerateArray())
                {
                    resources[i++] = new IamActionResource(resourceTypes[rr[0].GetInt32()], rr[1].GetInt32() != 0);
                }

                actions.Add(new IamAction(prefix, a[0].GetString()!, Levels[a[1].GetInt32()], resources, Strings(a[3], strings), Strings(a[4], strings)));
            }

            service.SetActions(actions);
            services.Add(service);
        }

        return new IamCatalog(version, date, dependentsVersion, services);
    }

    private static IReadOnlyList<string> Strings(JsonElement array, Dictionary<string, string> pool)
    {
        var count = array.GetArrayLength();
        if (count == 0)
        {
            return Array.Empty<string>();
        }

        var result = new string[count];
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            var value = e.GetString()!;
            if (!pool.TryGetValue(value, out var shared))
            {
                pool[value] = shared = value;
            }

            result[i++] = shared;
        }

        return result;
    }
}
