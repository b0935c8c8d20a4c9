using System.Management.Automation.Host;

namespace LeastPriv.Shell;

/// <summary>
/// The console geometry the formatter lays tables out in. Redirected output gets a fixed,
/// wide buffer (or $COLUMNS) so piped tables are not truncated to a default 80 columns.
/// </summary>
internal sealed class ShellRawUserInterface : PSHostRawUserInterface
{
    private const int RedirectedWidth = 160;

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public override Size BufferSize
    {
        get => new(Width(), 9999);
        set
        {
        }
    }

    public override Coordinates CursorPosition { get; set; }

    public override int CursorSize { get; set; } = 25;

    public override bool KeyAvailable => !Console.IsInputRedirected && Console.KeyAvailable;

    public override Size MaxPhysicalWindowSize => new(Width(), 9999);

    public override Size MaxWindowSize => new(Width(), 9999);

    public override Coordinates WindowPosition { get; set; }

    public override Size WindowSize
    {
        get => new(Width(), Console.IsOutputRedirected ? 9999 : SafeHeight());
        set
        {
        }
    }

    public override string WindowTitle { get; set; } = "LeastPriv";

    public override void FlushInputBuffer()
    {
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("LeastPriv.Shell cannot read the screen buffer.");

    public override KeyInfo ReadKey(ReadKeyOptions options)
    {
        var key = Console.ReadKey((options & ReadKeyOptions.NoEcho) != 0);
        return new KeyInfo((int)key.Key, key.KeyChar, default, true);
    }

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
    {
    }

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
    {
    }

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
    }

    private static int Width()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 20)
        {
            return columns;
        }

        if (Console.IsOutputRedirected)
        {
            return RedirectedWidth;
        }

        try
        {
            return Math.Max(40, Console.WindowWidth);
        }
        catch (IOException)
        {
            return RedirectedWidth;
        }
    }

    private static int SafeHeight()
    {
        try
        {
            return Math.Max(10, Console.WindowHeight);
        }
        catch (IOException)
        {
            return 50;
        }
    }
}
