# MeshMind firewall rules (Windows Defender Firewall, PowerShell as administrator): mesh 7878/tcp, discovery 5000/udp, HTTP 8080/tcp
# allowed only from the local subnets: 192.168.1.0/24 (eth0), 10.8.0.0/16 (wlan0)
# LocalSubnet is Windows' name for those subnets; the rules apply on Private and Domain networks, not Public ones.
# apply: meshmind firewall --apply (as administrator); remove: meshmind firewall --remove
Remove-NetFirewallRule -Group 'MeshMind' -ErrorAction SilentlyContinue
New-NetFirewallRule -Group 'MeshMind' -DisplayName 'MeshMind mesh (TCP 7878)' -Direction Inbound -Action Allow -Protocol TCP -LocalPort 7878 -RemoteAddress LocalSubnet -Profile Private,Domain | Out-Null
New-NetFirewallRule -Group 'MeshMind' -DisplayName 'MeshMind discovery (UDP 5000)' -Direction Inbound -Action Allow -Protocol UDP -LocalPort 5000 -RemoteAddress LocalSubnet -Profile Private,Domain | Out-Null
New-NetFirewallRule -Group 'MeshMind' -DisplayName 'MeshMind HTTP (TCP 8080)' -Direction Inbound -Action Allow -Protocol TCP -LocalPort 8080 -RemoteAddress LocalSubnet -Profile Private,Domain | Out-Null
