from wiremap.cli import main

main()
