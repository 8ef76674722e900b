"""Fabrique les exports « réels » de tests/formats/ à partir du cas canonique tests/cas/multi-sites.

Ce script n'est pas lancé par les tests : il a servi à produire les fichiers commités, avec des
outils tiers (openpyxl pour le XLSX, odfpy pour l'ODS) plutôt qu'avec le code de cma-analytique,
pour que les tests de lecture portent sur des fichiers écrits par d'autres. Pour les refaire :
    pip install openpyxl odfpy && python3 tests/formats/fabriquer.py
"""
import csv
import datetime
import pathlib

ICI = pathlib.Path(__file__).parent
CAS = ICI.parent / "cas" / "multi-sites"


def lire(nom):
    with open(CAS / nom, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def centimes(texte):
    texte = texte.strip()
    if not texte:
        return 0
    entier, _, dec = texte.partition(",")
    return int(entier) * 100 + int((dec + "00")[:2])


def francais_sap(c):
    """1 234,56 avec espace insécable, moins final pour un crédit (comme SAP)."""
    signe = "-" if c < 0 else ""
    c = abs(c)
    entier = f"{c // 100:,}".replace(",", "\u00a0")
    return f"{entier},{c % 100:02d}{signe}"


grand_livre = lire("grand-livre.csv")
correspondance = lire("correspondance.csv")
inducteurs = lire("inducteurs.csv")
# Une date par ligne, de janvier à juin 2024, pour exercer les formats de date.
dates = [datetime.date(2024, 1 + i % 6, 1 + (3 * i) % 28) for i in range(len(grand_livre))]

# 1. Export SAP : Windows-1252, CRLF, en-têtes français, montant signé, milliers en espace
#    insécable, moins final, dates JJ/MM/AAAA, colonnes en plus (devise, société).
sap = ICI / "sap"
sap.mkdir(exist_ok=True)
with open(sap / "grand-livre.csv", "w", encoding="cp1252", newline="") as f:
    f.write("Société;Compte général;Élément d'OTP;Date comptable;Désignation;Montant en devise interne;Devise\r\n")
    for ligne, d in zip(grand_livre, dates):
        montant = centimes(ligne["debit"]) - centimes(ligne["credit"])
        f.write(f"CMAR;{ligne['compte']};{ligne['objet']};{d:%d/%m/%Y};{ligne['libelle']};{francais_sap(montant)};EUR\r\n")
with open(sap / "correspondance.csv", "w", encoding="cp1252", newline="") as f:
    f.write("Élément d'OTP;Code national;Établissement;Code certification;Rubrique France compétences;Clé de répartition\r\n")
    for l in correspondance:
        f.write(f"{l['objet']};{l['code']};{l['site']};{l['certification']};{l['rubrique_fc']};{l['cle']}\r\n")
with open(sap / "inducteurs.csv", "w", encoding="cp1252", newline="") as f:
    f.write("Inducteur;Établissement;Code activité;Périmètre;Code certification;Quantité;Heures de formation;Apprentis\r\n")
    for l in inducteurs:
        f.write(";".join(l[k] for k in ["inducteur", "site", "code", "perimetre", "certification", "valeur", "heures", "apprenants"]) + "\r\n")

# 2. Classeurs XLSX (openpyxl) : montants en nombres, dates en dates, une feuille de notes avant
#    la feuille nommée comme le modèle ; dans les inducteurs, des nombres saisis comme texte.
import openpyxl

xlsx = ICI / "xlsx"
xlsx.mkdir(exist_ok=True)
wb = openpyxl.Workbook()
notes = wb.active
notes.title = "Notes"
notes["A1"] = "Export du grand livre 2024 – CMA de région (feuille ignorée)"
ws = wb.create_sheet("Grand livre")
ws.append(["Compte", "Objet analytique", "Date", "Libellé", "Débit", "Crédit"])
for ligne, d in zip(grand_livre, dates):
    debit, credit = centimes(ligne["debit"]), centimes(ligne["credit"])
    ws.append([int(ligne["compte"]), ligne["objet"], d, ligne["libelle"],
               debit / 100 if debit else None, credit / 100 if credit else None])
    ws.cell(row=ws.max_row, column=3).number_format = "DD/MM/YYYY"
wb.save(xlsx / "grand-livre.xlsx")

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "correspondance"
ws.append(["objet", "code", "site", "certification", "rubrique_fc", "cle"])
for l in correspondance:
    ws.append([l[k] or None for k in ["objet", "code", "site", "certification", "rubrique_fc", "cle"]])
wb.save(xlsx / "correspondance.xlsx")

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "inducteurs"
ws.append(["inducteur", "site", "code", "perimetre", "certification", "valeur", "heures", "apprenants"])
for i, l in enumerate(inducteurs):
    valeur = l["valeur"]
    if valeur and i % 2 == 0:
        valeur = float(valeur.replace(",", "."))  # nombre
    ws.append([l["inducteur"], l["site"] or None, l["code"] or None, l["perimetre"] or None,
               l["certification"] or None, valeur or None,
               int(l["heures"]) if l["heures"] else None, int(l["apprenants"]) if l["apprenants"] else None])
wb.save(xlsx / "inducteurs.xlsx")

# 3. ODS (odfpy) : la table de correspondance.
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P

ods = ICI / "ods"
ods.mkdir(exist_ok=True)
doc = OpenDocumentSpreadsheet()
table = Table(name="correspondance")
for valeurs in [["objet", "code", "site", "certification", "rubrique_fc", "cle"]] + [
    [l[k] for k in ["objet", "code", "site", "certification", "rubrique_fc", "cle"]] for l in correspondance
]:
    row = TableRow()
    for v in valeurs:
        cell = TableCell(valuetype="string")
        if v:
            cell.addElement(P(text=v))
        row.addElement(cell)
    table.addElement(row)
doc.spreadsheet.addElement(table)
doc.save(str(ods / "correspondance.ods"))

# 4. FEC : tabulation, 18 colonnes réglementaires + EOTP ; chaque ligne de charge ou de produit
#    équilibrée par une ligne de banque 512000 sans objet (hors périmètre analytique).
fec = ICI / "fec"
fec.mkdir(exist_ok=True)
entete = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
          "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
          "ValidDate", "Montantdevise", "Idevise", "EOTP"]


def fec_montant(c):
    return f"{c // 100},{c % 100:02d}" if c else "0,00"


with open(fec / "grand-livre.txt", "w", encoding="utf-8", newline="") as f:
    f.write("\t".join(entete) + "\r\n")
    for n, (ligne, d) in enumerate(zip(grand_livre, dates), start=1):
        debit, credit = centimes(ligne["debit"]), centimes(ligne["credit"])
        jour = f"{d:%Y%m%d}"
        base = ["BQ", "Banque", f"BQ{n:05d}", jour]
        f.write("\t".join(base + [ligne["compte"], "Compte", "", "", f"P{n}", jour, ligne["libelle"],
                                  fec_montant(debit), fec_montant(credit), "", "", jour, "", "", ligne["objet"]]) + "\r\n")
        f.write("\t".join(base + ["512000", "Banque", "", "", f"P{n}", jour, ligne["libelle"],
                                  fec_montant(credit), fec_montant(debit), "", "", jour, "", "", ""]) + "\r\n")

# 4b. FEC au séparateur « | » avec Montant et Sens au lieu de Debit et Credit.
entete_ms = entete[:11] + ["Montant", "Sens"] + entete[13:]
with open(fec / "grand-livre-montant-sens.txt", "w", encoding="utf-8", newline="") as f:
    f.write("|".join(entete_ms) + "\n")
    for n, (ligne, d) in enumerate(zip(grand_livre, dates), start=1):
        debit, credit = centimes(ligne["debit"]), centimes(ligne["credit"])
        jour = f"{d:%Y%m%d}"
        montant, sens = (debit, "D") if debit else (credit, "C")
        contre = "C" if sens == "D" else "D"
        base = ["OD", "Opérations diverses", f"OD{n:05d}", jour]
        f.write("|".join(base + [ligne["compte"], "Compte", "", "", f"P{n}", jour, ligne["libelle"],
                                 fec_montant(montant), sens, "", "", jour, "", "", ligne["objet"]]) + "\n")
        f.write("|".join(base + ["512000", "Banque", "", "", f"P{n}", jour, ligne["libelle"],
                                 fec_montant(montant), contre, "", "", jour, "", "", ""]) + "\n")
print("ok")
