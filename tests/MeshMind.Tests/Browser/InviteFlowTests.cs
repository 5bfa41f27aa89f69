using MeshMind.Mesh.Invites;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>
/// Invites on the Network screen in a real browser: one node makes an invite (code and QR code), a second node, running with a
/// secret of its own and no discovery, joins with it from its own Network screen and links without a restart; then the first
/// rotates the secret and it reaches the second.
/// </summary>
public sealed class InviteFlowTests : IDisposable
{
    private const string Password = "invite-flow-password";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NodeProcess Start(string name) =>
        NodeProcess.Start(Directory.CreateDirectory(_dir.Combine(name)).FullName,
            ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--name", name],
            new Dictionary<string, string> { ["NODE_PASSWORD"] = Password });

    private string SecretFile(string name) => Path.Combine(_dir.Combine(name), "meshmind-data", "p2p_secret.txt");

    [Fact]
    public async Task InviteADevice_ShowsCodeAndQr_TheOtherNodeJoinsFromItsScreen_ThenARotationReachesIt()
    {
        Support.Browser.RequireChromium();
        await using var alpha = Start("alpha");
        await using var bravo = Start("bravo");
        var alphaAddress = await alpha.WaitForListeningAsync(cancellationToken: Ct);
        var bravoAddress = await bravo.WaitForListeningAsync(cancellationToken: Ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var inviting = await browser.NewPageAsync();
        await inviting.GotoAsync(new Uri(alphaAddress, "/app/network").ToString());
        await Support.Browser.SignInAsync(inviting, Password);
        await Expect(inviting.GetByTestId("peers-empty")).ToBeVisibleAsync();

        await inviting.GetByTestId("invite-open").ClickAsync();
        var dialog = inviting.GetByTestId("invite-dialog");
        await Expect(dialog.GetByTestId("invite-code")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("invite-qr").Locator("svg")).ToBeVisibleAsync();
        // A countdown from ten minutes (a loaded machine may take a few seconds to get here), never above it.
        await Expect(dialog.GetByTestId("invite-expiry")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Valid for (10:00|9:[0-5][0-9]) · works once$"));
        var code = (await dialog.GetByTestId("invite-code").GetAttributeAsync("data-code"))!;
        var parsed = InviteCode.Parse(code);
        Assert.Equal(parsed.Token, InviteCode.Parse(await dialog.GetByTestId("invite-code").InnerTextAsync()).Token);
        await inviting.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("invite-dialog.png") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        var joining = await browser.NewPageAsync();
        await joining.GotoAsync(new Uri(bravoAddress, "/app/network").ToString());
        await Support.Browser.SignInAsync(joining, Password);
        await joining.GetByTestId("join-open").ClickAsync();
        var join = joining.GetByTestId("join-dialog");
        await Expect(join.GetByTestId("join-warning")).ToHaveCountAsync(0);
        await join.GetByTestId("join-code").FillAsync(string.Join("\n", code.Chunk(40).Select(c => new string(c).ToLowerInvariant())));
        await join.GetByTestId("join-submit").ClickAsync();
        await Expect(join.GetByTestId("join-done")).ToContainTextAsync("alpha", new() { Timeout = 15_000 }); // a TLS dial and a redemption
        await joining.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("join-dialog.png") });
        await join.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        var row = joining.GetByTestId("peer-row");
        await Expect(row).ToContainTextAsync("alpha", new() { Timeout = 15_000 });
        await Expect(row.GetByTestId("peer-state")).ToHaveTextAsync("up", new() { Timeout = 15_000 });
        Assert.Equal(File.ReadAllText(SecretFile("alpha")), File.ReadAllText(SecretFile("bravo")));

        // The same code again: refused, and the dialog says why.
        await joining.GetByTestId("join-open").ClickAsync();
        await Expect(joining.GetByTestId("join-warning")).ToBeVisibleAsync();
        await joining.GetByTestId("join-code").FillAsync(code);
        await joining.GetByTestId("join-submit").ClickAsync();
        await Expect(joining.GetByTestId("join-error")).ToContainTextAsync("already used");
        await joining.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(inviting.GetByTestId("peer-row").GetByTestId("peer-state")).ToHaveTextAsync("up", new() { Timeout = 15_000 });
        await inviting.GetByTestId("rotate-open").ClickAsync();
        await inviting.GetByTestId("confirm-rotate").ClickAsync();
        await Expect(inviting.GetByTestId("rotate-done")).ToContainTextAsync("sent to 1 linked peer");
        await Poll.UntilAsync(() => File.ReadAllLines(SecretFile("bravo")).Length == 2, TimeSpan.FromSeconds(15), "bravo to get the new secret", Ct);
        Assert.Equal(File.ReadAllLines(SecretFile("alpha")), File.ReadAllLines(SecretFile("bravo")));
    }
}
