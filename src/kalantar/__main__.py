from kalantar.cli import main

main()
